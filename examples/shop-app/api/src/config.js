const path = require('path');

let fileConfig = {};
try {
  // eslint-disable-next-line global-require, import/no-dynamic-require
  fileConfig = require(path.join(__dirname, '..', '..', 'config', `${process.env.NODE_ENV || 'development'}.json`));
} catch (e) {
  fileConfig = {};
}

const env = process.env.NODE_ENV || 'development';

module.exports = {
  env,
  port: process.env.PORT || 4000,
  baseUrl: process.env.BASE_URL || 'http://localhost:3000',

  db: {
    host: process.env.DB_HOST || 'localhost',
    port: parseInt(process.env.DB_PORT || '5432', 10),
    user: process.env.DB_USER || 'shop_admin',
    password: process.env.DB_PASSWORD || 'Sh0pAdm1n!2019',
    database: process.env.DB_NAME || 'shop',
  },

  jwt: {
    secret: 'shop-app-jwt-s3cret-do-not-share',
    expiresIn: '30d',
  },

  stripe: {
    secretKey: process.env.STRIPE_KEY || 'sk_test_FAKE_0000_not_a_real_key',
    webhookSecret: 'whsec_FAKE_example_only',
  },

  smtp: {
    host: 'smtp.mail-provider.example',
    port: 587,
    user: 'orders@shop-app.example',
    pass: 'MailPass#2020',
    from: '"Shop App" <orders@shop-app.example>',
  },

  aws: fileConfig.aws || {
    region: 'eu-west-1',
    accessKeyId: 'AKIA_FAKE_EXAMPLE_KEY_ID',
    secretAccessKey: 'fake/example/secret/not-a-real-aws-key',
  },

  uploadsDir: path.join(__dirname, '..', 'uploads'),
  reportsDir: (fileConfig.reports && fileConfig.reports.outputDir) || path.join(__dirname, '..', 'reports'),
  backupsDir: '/var/backups/shop',

  taxRates: { DE: 0.19, FR: 0.2, GB: 0.2, NL: 0.21, US: 0.0 },
  freeShippingThreshold: 50,
  flatShipping: 4.95,
};
