"""A handler that takes its database from DATABASE_URL (mysql://USER@HOST:PORT/NAME), as twelve-factor apps do: an
IAM auth token from boto3 for that user and host, then PyMySQL over TLS verified with DB_CA_BUNDLE."""
import json
import os
from urllib.parse import urlparse

import boto3
import pymysql


def handler(event, context):
    url = urlparse(os.environ["DATABASE_URL"])
    port = url.port or 3306
    token = boto3.client("rds").generate_db_auth_token(DBHostname=url.hostname, Port=port, DBUsername=url.username, Region=os.environ["AWS_REGION"])
    connection = pymysql.connect(host=url.hostname, port=port, user=url.username, password=token, database=url.path.lstrip("/") or None,
                                 ssl={"ca": os.environ["DB_CA_BUNDLE"]}, connect_timeout=5)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT CURRENT_USER()")
            (user,) = cursor.fetchone()
    finally:
        connection.close()
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps({"user": user})}
