"""Writes one row through a cluster endpoint, as an application that opens a connection per request does: the
name is resolved on every invocation (no DNS cache in the process), so a failover shows as AWS shows it. Returns
the address the name resolved to and what the write did ("written", or the MySQL error code)."""
import os
import socket

import pymysql


def handler(event, context):
    host = os.environ["DB_HOST"]
    address = socket.gethostbyname(host)
    try:
        connection = pymysql.connect(host=host, port=3306, user="app", password=os.environ["DB_PASSWORD"], database="shop", connect_timeout=3)
        try:
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO writes (client, seq) VALUES (%s, %s)", (event.get("client", 1), event.get("seq", 1)))
            connection.commit()
        finally:
            connection.close()
        outcome = "written"
    except pymysql.MySQLError as error:
        outcome = str(error.args[0])
    return {"address": address, "outcome": outcome}
