"""The team's own handler, as it runs in AWS: an RDS IAM token from boto3, PyMySQL over TLS to the proxy's DNS name on 3306."""
import json
import os

import boto3
import pymysql


def handler(event, context):
    host, user = os.environ["DB_HOST"], os.environ["DB_USER"]
    token = boto3.client("rds").generate_db_auth_token(DBHostname=host, Port=3306, DBUsername=user, Region=os.environ["AWS_REGION"])
    connection = pymysql.connect(host=host, port=3306, user=user, password=token, database="orders",
                                 ssl={"ca": os.environ["DB_CA_BUNDLE"]}, connect_timeout=3)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT CURRENT_USER(), COUNT(*) FROM orders")
            who, count = cursor.fetchone()
    finally:
        connection.close()
    return {"statusCode": 200, "body": json.dumps({"user": who, "orders": count})}
