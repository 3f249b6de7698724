const nodemailer = require('nodemailer');
const config = require('../config');

const transporter = nodemailer.createTransport({
  host: config.smtp.host,
  port: config.smtp.port,
  secure: false,
  auth: { user: config.smtp.user, pass: config.smtp.pass },
  tls: { rejectUnauthorized: false },
});

function layout(title, body) {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: Arial, sans-serif; color: #222">
  <div style="max-width: 600px; margin: 0 auto">
    <h1 style="color: #2a7d4f">${title}</h1>
    ${body}
    <p style="font-size: 12px; color: #888">Shop App &middot; ${config.baseUrl}</p>
  </div>
</body></html>`;
}

function send(to, subject, html) {
  return transporter.sendMail({ from: config.smtp.from, to, subject, html });
}

function sendWelcome(user) {
  const html = layout(
    `Welcome, ${user.name}!`,
    `<p>Thanks for creating an account with ${user.email}.</p>
     <p><a href="${config.baseUrl}/products">Start shopping</a></p>`,
  );
  return send(user.email, `Welcome to Shop App, ${user.name}`, html);
}

function sendPasswordReset(user, link) {
  const html = layout(
    'Reset your password',
    `<p>Hi ${user.name},</p>
     <p>Someone asked to reset the password for ${user.email}.</p>
     <p><a href="${link}">Choose a new password</a></p>`,
  );
  return send(user.email, 'Password reset', html);
}

function sendOrderConfirmation(user, orderId, items, total) {
  let rows = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    rows += `<tr><td>${item.name}</td><td>${item.quantity}</td><td>${item.price}</td></tr>`;
  }
  const html = layout(
    `Order #${orderId} confirmed`,
    `<p>Hi ${user.name}, thanks for your order.</p>
     <table>${rows}</table>
     <p><strong>Total: ${total}</strong></p>
     <p>Delivery note: ${items.note || ''}</p>`,
  );
  return send(user.email, `Your order #${orderId}`, html);
}

module.exports = { sendWelcome, sendPasswordReset, sendOrderConfirmation };
