-- The schema and seed rows of the sample application used by tests and the default sandbox.
CREATE TABLE `users` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `email` VARCHAR(255) NOT NULL COMMENT 'login',
  `name` VARCHAR(100) DEFAULT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `users_email` (`email`),
  KEY `users_name` (`name`(20))
) ENGINE=InnoDB AUTO_INCREMENT=1 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;

CREATE TABLE `orders` (
  `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `user_id` INT UNSIGNED NOT NULL,
  `total` DECIMAL(10,2) NOT NULL DEFAULT '0.00',
  `status` ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',
  CONSTRAINT `orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO `users` (`email`, `name`) VALUES ('ada@example.com', 'Ada'), ('alan@example.com', "Alan"), ('grace@example.com', NULL);
INSERT INTO `orders` (`user_id`, `total`, `status`) VALUES (1, 12.50, 'paid'), (1, 3.00, 'new'), (2, 99.99, 'shipped');

-- What the default sandbox's functions write on every request (the seeds' "insert the current time, return all rows").
CREATE TABLE `visits` (
  `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `route` VARCHAR(100) NOT NULL,
  `at` DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
