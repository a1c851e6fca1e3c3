CREATE TABLE orders (id INTEGER PRIMARY KEY AUTO_INCREMENT, item VARCHAR(64));
INSERT INTO orders (item) VALUES ('book'), ('lamp');
