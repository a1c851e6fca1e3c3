"""One PostgreSQL client's view of a server, as an app writes it: psycopg2 (libpq), pg8000 (pure Python) or asyncpg
(binary formats, types from the server's ParameterDescription).

Usage: DB_PASSWORD=... client.py DRIVER HOST PORT USER DATABASE [SSLROOTCERT]
Prints one JSON object: what the queries returned, or the server's error (SQLSTATE and message).
"""
import json
import os
import sys

driver, host, port, user, database = sys.argv[1:6]
root = sys.argv[6] if len(sys.argv) > 6 else None
password = os.environ["DB_PASSWORD"]


def run(connection, placeholder):
    cursor = connection.cursor()
    cursor.execute("SELECT name, price, in_stock FROM items WHERE price > " + placeholder + " AND price < " + placeholder + " ORDER BY id", (1, 3))
    # Each value with the Python type the driver decoded it to: the server's type OIDs decide them.
    rows = [[name, type(price).__name__ + ":" + str(price), type(stock).__name__ + ":" + str(stock)] for name, price, stock in cursor.fetchall()]
    cursor.execute("INSERT INTO items (name, price) VALUES (" + placeholder + ", " + placeholder + ") RETURNING id", (driver + "-" + user + "-fig", 3))
    new_id = cursor.fetchone()[0]
    connection.commit()
    cursor.execute("SHOW application_name")
    application = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM items")
    count = cursor.fetchone()[0]
    return {"rows": rows, "new_id": new_id, "count": count, "application_name": application}


try:
    if driver == "asyncpg":
        import asyncio
        import ssl
        import asyncpg

        async def asyncpg_run():
            context = ssl.create_default_context(cafile=root) if root else False
            connection = await asyncpg.connect(host=host, port=int(port), user=user, password=password, database=database, ssl=context,
                                               server_settings={"application_name": "items-asyncpg"}, timeout=10)
            try:
                fetched = await connection.fetch("SELECT name, price, in_stock FROM items WHERE price > $1 AND price < $2 ORDER BY id", 1, 3)
                rows = [[r[0], type(r[1]).__name__ + ":" + str(r[1]), type(r[2]).__name__ + ":" + str(r[2])] for r in fetched]
                new_id = await connection.fetchval("INSERT INTO items (name, price) VALUES ($1, $2) RETURNING id", "asyncpg-" + user + "-fig", 3)
                application = await connection.fetchval("SHOW application_name")
                count = await connection.fetchval("SELECT count(*) FROM items")
                return {"rows": rows, "new_id": new_id, "count": count, "application_name": application}
            finally:
                await connection.close()

        result = asyncio.run(asyncpg_run())
    elif driver == "psycopg2":
        import psycopg2
        options = {"sslmode": "verify-full", "sslrootcert": root} if root else {"sslmode": "disable"}
        connection = psycopg2.connect(host=host, port=int(port), user=user, password=password, dbname=database,
                                      application_name="items-psycopg2", **options)
        result = run(connection, "%s")
    else:
        import ssl
        import pg8000.dbapi
        context = ssl.create_default_context(cafile=root) if root else None
        connection = pg8000.dbapi.connect(host=host, port=int(port), user=user, password=password, database=database,
                                          application_name="items-pg8000", ssl_context=context)
        result = run(connection, "%s")
    print(json.dumps({"ok": result}))
except Exception as error:  # the test reads the server's words
    code = getattr(error, "pgcode", None)
    if code is None and error.args and isinstance(error.args[0], dict):
        code = error.args[0].get("C")
    print(json.dumps({"error": str(error), "sqlstate": code}))
