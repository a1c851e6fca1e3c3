// A Node.js handler as the seeds write one, with the mysql package (Debian's node-mysql stands in for the
// function's node_modules): it logs in to the proxy by its DNS name on port 3306 over TLS, trusting Node's own CAs
// (the proxy's certificate chains to an Amazon-style root), and answers CURRENT_USER().
const mysql = require('mysql');

exports.handler = async () => {
  const connection = mysql.createConnection({
    host: process.env.DB_HOST,
    port: Number(process.env.DB_PORT || 3306),
    user: process.env.DB_USER,
    password: process.env.DB_PASSWORD,
    ssl: { rejectUnauthorized: true },
    connectTimeout: 3000,
  });
  try {
    const rows = await new Promise((resolve, reject) => {
      connection.query('SELECT CURRENT_USER() AS user', (error, results) => (error ? reject(error) : resolve(results)));
    });
    return { statusCode: 200, body: JSON.stringify({ user: rows[0].user, runtime: 'node' }) };
  } finally {
    connection.end();
  }
};
