# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Draws bench/throughput.svg from the data files bench/scripts/report.js
# writes: library operations per second per implementation (log scale,
# one cluster per operation and thread count) above server requests per
# second.  Called by `bench/run.sh report` with -e "dir='...';
# outfile='...'".
set terminal svg size 1100,900 dynamic font "sans,11" background "white"
set output outfile
set datafile missing "-"
set multiplot layout 2,1

set title "Library operations per second (median of rounds; higher is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set format y "%.0s%c"
set grid ytics
set key outside right top vertical
set xtics rotate by -30 scale 0 font ",9"
# The first line names the columns: "label impl1 impl2 ...".
ncol = system("head -1 " . dir . "/plot-lib.dat | wc -w") - 1
set key autotitle columnhead
plot for [i=2:ncol+1] dir."/plot-lib.dat" using i:xtic(1)

set title "Server requests per second over loopback (wrk, median of rounds)"
unset key
set key noautotitle
set style histogram clustered gap 1
plot dir."/plot-server.dat" using 2:xtic(1) lc rgb "#4477aa"
unset multiplot
