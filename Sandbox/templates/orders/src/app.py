"""The orders service's handler as its team ships it: logs in through the RDS Proxy the stack passes in DB_HOST,
over TLS (DB_CA_BUNDLE), with an IAM auth token from boto3 for DB_USER (the function role's credentials) or, when
DB_SECRET names a secret, with the username and password read from Secrets Manager; answers who it is logged in as."""
import json
import os

import boto3
import pymysql


def credentials():
    if os.environ.get("DB_SECRET"):
        secret = json.loads(boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["DB_SECRET"])["SecretString"])
        return secret["username"], secret["password"]
    user = os.environ["DB_USER"]
    return user, boto3.client("rds").generate_db_auth_token(DBHostname=os.environ["DB_HOST"], Port=3306, DBUsername=user, Region=os.environ["AWS_REGION"])


def handler(event, context):
    user, password = credentials()
    connection = pymysql.connect(host=os.environ["DB_HOST"], port=3306, user=user, password=password, database=os.environ["DB_NAME"],
                                 ssl={"ca": os.environ["DB_CA_BUNDLE"]}, connect_timeout=5)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT CURRENT_USER(), @@innodb_read_only")
            current_user, read_only = cursor.fetchone()
    finally:
        connection.close()
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"user": current_user, "readOnly": bool(read_only)})}
