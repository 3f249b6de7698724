-- Shop schema (PostgreSQL 11)
-- Applied by hand on staging/production; see scripts/ for one-off migrations.

CREATE TABLE users (
    id              SERIAL PRIMARY KEY,
    email           VARCHAR(255) NOT NULL,
    password_hash   VARCHAR(64)  NOT NULL,
    name            VARCHAR(255),
    role            VARCHAR(20)  NOT NULL DEFAULT 'customer',
    phone           VARCHAR(40),
    website         VARCHAR(500),
    avatar          VARCHAR(255),
    address         TEXT,
    reset_token     VARCHAR(32),
    marketing_opt_in BOOLEAN DEFAULT false,
    last_login      TIMESTAMP,
    created_at      TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE categories (
    id          SERIAL PRIMARY KEY,
    name        VARCHAR(120) NOT NULL,
    slug        VARCHAR(120) NOT NULL,
    parent_id   INTEGER REFERENCES categories(id)
);

CREATE TABLE vendors (
    id               SERIAL PRIMARY KEY,
    name             VARCHAR(255) NOT NULL,
    email            VARCHAR(255),
    commission_rate  REAL NOT NULL DEFAULT 0.15,
    payout_iban      VARCHAR(64),
    created_at       TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE products (
    id           SERIAL PRIMARY KEY,
    sku          VARCHAR(64) NOT NULL,
    name         VARCHAR(255) NOT NULL,
    description  TEXT,
    price        REAL NOT NULL,
    cost         REAL,
    stock        INTEGER NOT NULL DEFAULT 0,
    category_id  INTEGER REFERENCES categories(id),
    vendor_id    INTEGER REFERENCES vendors(id),
    image_url    VARCHAR(500),
    active       BOOLEAN NOT NULL DEFAULT true,
    created_at   TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE product_images (
    id          SERIAL PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products(id),
    url         VARCHAR(500) NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE reviews (
    id          SERIAL PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    rating      INTEGER NOT NULL,
    title       VARCHAR(255),
    body        TEXT,
    approved    BOOLEAN NOT NULL DEFAULT true,
    created_at  TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE coupons (
    code         VARCHAR(40) PRIMARY KEY,
    percent_off  INTEGER,
    amount_off   REAL,
    max_uses     INTEGER,
    uses         INTEGER NOT NULL DEFAULT 0,
    expires_at   TIMESTAMP
);

CREATE TABLE orders (
    id                SERIAL PRIMARY KEY,
    user_id           INTEGER NOT NULL REFERENCES users(id),
    status            VARCHAR(20) NOT NULL DEFAULT 'pending',
    subtotal          REAL NOT NULL,
    discount          REAL NOT NULL DEFAULT 0,
    tax               REAL NOT NULL DEFAULT 0,
    shipping          REAL NOT NULL DEFAULT 0,
    total             REAL NOT NULL,
    coupon_code       VARCHAR(40),
    shipping_address  TEXT,
    region            VARCHAR(8),
    payment_id        VARCHAR(64),
    card_number       VARCHAR(19),
    card_expiry       VARCHAR(7),
    created_at        TIMESTAMP NOT NULL DEFAULT now(),
    updated_at        TIMESTAMP
);

CREATE TABLE order_items (
    id          SERIAL PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    product_id  INTEGER NOT NULL REFERENCES products(id),
    quantity    INTEGER NOT NULL,
    unit_price  REAL NOT NULL
);

CREATE TABLE refunds (
    id            SERIAL PRIMARY KEY,
    order_id      INTEGER NOT NULL REFERENCES orders(id),
    amount        REAL NOT NULL,
    reason        TEXT,
    processed_by  INTEGER REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE shipments (
    id            SERIAL PRIMARY KEY,
    order_id      INTEGER NOT NULL REFERENCES orders(id),
    carrier       VARCHAR(40),
    tracking_no   VARCHAR(80),
    shipped_at    TIMESTAMP,
    delivered_at  TIMESTAMP
);

CREATE TABLE carts (
    id          SERIAL PRIMARY KEY,
    user_id     INTEGER REFERENCES users(id),
    updated_at  TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE cart_items (
    cart_id     INTEGER NOT NULL REFERENCES carts(id),
    product_id  INTEGER NOT NULL REFERENCES products(id),
    quantity    INTEGER NOT NULL,
    added_at    TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE gift_cards (
    code        VARCHAR(32) PRIMARY KEY,
    balance     REAL NOT NULL,
    issued_to   INTEGER REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id          SERIAL PRIMARY KEY,
    user_id     INTEGER,
    action      VARCHAR(64) NOT NULL,
    details     TEXT,
    created_at  TIMESTAMP NOT NULL DEFAULT now()
);

CREATE INDEX idx_products_name ON products (name);
CREATE INDEX idx_orders_created ON orders (created_at);
