"""A customer's Lambda handler, unmodified: run by awslambdaric (`python3 -m awslambdaric app.handler`).

It reads its database host from the environment, signs an RDS IAM auth token with boto3 (the execution role's
credentials come from the environment, as in AWS), logs in with PyMySQL over TLS on port 3306, inserts the time
of the request and returns every row.
"""
import json
import os

import boto3
import pymysql


def handler(event, context):
    host, port, user = os.environ["DB_HOST"], int(os.environ.get("DB_PORT", "3306")), os.environ["DB_USER"]
    token = boto3.client("rds").generate_db_auth_token(DBHostname=host, Port=port, DBUsername=user, Region=os.environ["AWS_REGION"])
    ssl = None if os.environ.get("DB_TLS") == "false" else {"ca": os.environ["DB_CA_BUNDLE"]}
    print(f"connecting to {host}:{port} as {user} with an IAM token, TLS {'on' if ssl else 'off'}")
    connection = pymysql.connect(host=host, port=port, user=user, password=token, database=os.environ.get("DB_NAME", "app"),
                                 ssl=ssl, connect_timeout=int(os.environ.get("DB_CONNECT_TIMEOUT", "3")))
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO visits (route, at) VALUES (%s, NOW())", (event.get("rawPath", "python"),))
            connection.commit()
            cursor.execute("SELECT id, route, at FROM visits ORDER BY id")
            rows = [{"id": row[0], "route": row[1], "at": str(row[2])} for row in cursor.fetchall()]
    finally:
        connection.close()
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps({"rows": rows, "runtime": "python"})}
