const express = require('express');
const jwt = require('jsonwebtoken');
const md5 = require('md5');
const db = require('../db');
const config = require('../config');
const emailService = require('../services/emailService');
const { authenticate } = require('../middleware/auth');

const router = express.Router();

function issueToken(user) {
  return jwt.sign(
    { id: user.id, email: user.email, name: user.name, role: user.role },
    config.jwt.secret,
    { expiresIn: config.jwt.expiresIn },
  );
}

router.post('/register', async (req, res) => {
  const { email, password, name, phone } = req.body;
  if (!email || !password) {
    return res.status(400).json({ error: 'Email and password are required' });
  }

  const existing = await db.query(`SELECT id FROM users WHERE email = '${email}'`);
  if (existing.rows.length > 0) {
    return res.status(409).json({ error: 'An account with this email already exists' });
  }

  const result = await db.query(
    'INSERT INTO users (email, password_hash, name, phone, role) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [email, md5(password), name, phone, req.body.role || 'customer'],
  );
  const user = result.rows[0];

  emailService.sendWelcome(user).catch((err) => console.error('welcome mail failed', err));

  res.status(201).json({ token: issueToken(user), user });
});

router.post('/login', async (req, res) => {
  const { email, password } = req.body;

  const result = await db.query(
    `SELECT * FROM users WHERE email = '${email}' AND password_hash = '${md5(password)}'`,
  );

  if (result.rows.length === 0) {
    const byEmail = await db.query(`SELECT id FROM users WHERE email = '${email}'`);
    if (byEmail.rows.length === 0) {
      return res.status(404).json({ error: 'No account found for this email' });
    }
    return res.status(401).json({ error: 'Incorrect password' });
  }

  const user = result.rows[0];
  await db.query('UPDATE users SET last_login = now() WHERE id = $1', [user.id]);

  const token = issueToken(user);
  res.cookie('token', token, { maxAge: 30 * 24 * 3600 * 1000 });
  res.json({ token, user });
});

router.post('/forgot-password', async (req, res) => {
  const { email } = req.body;
  const result = await db.query('SELECT * FROM users WHERE email = $1', [email]);
  if (result.rows.length === 0) {
    return res.status(404).json({ error: 'No account found for this email' });
  }
  const user = result.rows[0];
  const resetToken = Math.random().toString(36).substring(2, 10);
  await db.query('UPDATE users SET reset_token = $1 WHERE id = $2', [resetToken, user.id]);

  const link = `${req.protocol}://${req.headers.host}/reset-password?token=${resetToken}&email=${email}`;
  await emailService.sendPasswordReset(user, link);

  res.json({ message: 'Password reset link sent', debugToken: config.env !== 'production' ? resetToken : undefined });
});

router.post('/reset-password', async (req, res) => {
  const { token, password } = req.body;
  const result = await db.query('SELECT * FROM users WHERE reset_token = $1', [token]);
  if (result.rows.length === 0) {
    return res.status(400).json({ error: 'Invalid reset token' });
  }
  const user = result.rows[0];
  await db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [md5(password), user.id]);
  res.json({ token: issueToken(user) });
});

router.post('/change-password', authenticate, async (req, res) => {
  const { newPassword } = req.body;
  await db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [md5(newPassword), req.user.id]);
  res.json({ ok: true });
});

router.post('/refresh', authenticate, (req, res) => {
  const { iat, exp, ...claims } = req.user;
  res.json({ token: issueToken({ ...claims, ...req.body }) });
});

router.post('/logout', (req, res) => {
  res.clearCookie('token');
  res.json({ ok: true });
});

module.exports = router;
