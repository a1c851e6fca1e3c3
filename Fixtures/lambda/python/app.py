"""A customer's Lambda handler, unmodified: run by awslambdaric (`python3 -m awslambdaric app.handler`).

It reads its database host from the environment, signs an RDS IAM auth token with boto3 (the execution role's
credentials come from the environment, as in AWS), logs in with PyMySQL over TLS on port 3306, inserts the time
of the request and returns every row. Without DB_CA_BUNDLE it trusts the system's store.
"""
import json
import os
import ssl

import boto3
import pymysql


def handler(event, context):
    host, port, user = os.environ["DB_HOST"], int(os.environ.get("DB_PORT", "3306")), os.environ["DB_USER"]
    token = boto3.client("rds").generate_db_auth_token(DBHostname=host, Port=port, DBUsername=user, Region=os.environ["AWS_REGION"])
    if os.environ.get("DB_TLS") == "false":
        tls = None
    elif os.environ.get("DB_CA_BUNDLE"):
        tls = {"ca": os.environ["DB_CA_BUNDLE"]}
    else:
        tls = ssl.create_default_context()  # the system's trust store, as most functions do
    print(f"connecting to {host}:{port} as {user} with an IAM token, TLS {'off' if tls is None else 'on'}")
    connection = pymysql.connect(host=host, port=port, user=user, password=token, database=os.environ.get("DB_NAME", "app"),
                                 ssl=tls, connect_timeout=int(os.environ.get("DB_CONNECT_TIMEOUT", "3")))
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO visits (route, at) VALUES (%s, NOW())", (event.get("rawPath", "python"),))
            connection.commit()
            cursor.execute("SELECT id, route, at FROM visits ORDER BY id")
            rows = [{"id": row[0], "route": row[1], "at": str(row[2])} for row in cursor.fetchall()]
    finally:
        connection.close()
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps({"rows": rows, "runtime": "python"})}
