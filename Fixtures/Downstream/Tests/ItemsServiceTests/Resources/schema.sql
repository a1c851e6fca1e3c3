CREATE TABLE items (id SERIAL PRIMARY KEY, name TEXT NOT NULL, price NUMERIC(10,2) NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
INSERT INTO items (name, price) VALUES ('kettle', 24.50), ('teapot', 18.00);
