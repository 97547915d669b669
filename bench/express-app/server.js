// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// The reference the server benchmark compares jwtd serve with: the classic
// Express + jsonwebtoken tutorial app, as people write it.  POST /api/login
// signs the mock user into a token, POST /api/posts is protected by a
// middleware that takes the token from "Authorization: Bearer <token>" and
// answers 403 when it is missing or does not verify.  One process, as in
// the tutorial.  PORT (default 5000), HOST (default 127.0.0.1: it is only
// ever a loopback benchmark target), JWT_SECRET (default the tutorial's
// 'secretkey') and EXPIRES_IN (default its '30s') come from the
// environment so the benchmark can hold a token for the whole run.
'use strict';
const express = require('express');
const jwt = require('jsonwebtoken');

const app = express();
const port = Number(process.env.PORT || 5000);
const host = process.env.HOST || '127.0.0.1';
const secret = process.env.JWT_SECRET || 'secretkey';
const expiresIn = process.env.EXPIRES_IN || '30s';

app.get('/api', (req, res) => {
    res.json({ message: 'Welcome to the API' });
});

app.post('/api/posts', verifyToken, (req, res) => {
    jwt.verify(req.token, secret, (err, authData) => {
        if (err) {
            res.sendStatus(403);
        } else {
            res.json({ message: 'Post created...', authData });
        }
    });
});

app.post('/api/login', (req, res) => {
    // Mock user, as in the tutorial: no password check.
    const user = { id: 1, username: 'brad', email: 'brad@gmail.com' };
    jwt.sign({ user }, secret, { expiresIn }, (err, token) => {
        if (err) {
            res.sendStatus(500);
            return;
        }
        res.json({ token });
    });
});

// Format of token: Authorization: Bearer <access_token>
function verifyToken(req, res, next) {
    const bearerHeader = req.headers.authorization;
    if (typeof bearerHeader !== 'undefined') {
        req.token = bearerHeader.split(' ')[1];
        next();
    } else {
        res.sendStatus(403);
    }
}

app.listen(port, host, () => console.log(`Server started on port ${port}`));
