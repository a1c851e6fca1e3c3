-- The items schema of the PostgreSQL examples: what an app's migration creates.
CREATE TABLE items (
    id SERIAL PRIMARY KEY,
    name VARCHAR(80) NOT NULL UNIQUE,
    price NUMERIC(10, 2) NOT NULL DEFAULT 0,
    in_stock BOOLEAN NOT NULL DEFAULT TRUE,
    tags JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO items (name, price, in_stock, tags) VALUES
    ('apple', 1.25, TRUE, '{"colour": "red"}'),
    ('pear', 2.50, FALSE, NULL),
    ('plum', 0.75, TRUE, '["stone"]');
CREATE TABLE visits (
    id SERIAL PRIMARY KEY,
    route TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
