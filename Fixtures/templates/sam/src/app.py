"""The items service's handler as a customer ships it (the SAM fixture's CodeUri: src/, the Terraform one's archive_file source_dir): an IAM auth token from boto3, signed with
the function role's credentials, and PyMySQL over TLS to the RDS Proxy endpoint the stack passes in DB_HOST."""
import json
import os

import boto3
import pymysql


def handler(event, context):
    host, port, user = os.environ["DB_HOST"], int(os.environ.get("DB_PORT", "3306")), os.environ["DB_USER"]
    token = boto3.client("rds").generate_db_auth_token(DBHostname=host, Port=port, DBUsername=user, Region=os.environ["AWS_REGION"])
    connection = pymysql.connect(host=host, port=port, user=user, password=token, database=os.environ.get("DB_NAME"),
                                 ssl={"ca": os.environ["DB_CA_BUNDLE"]}, connect_timeout=5)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT CURRENT_USER(), DATABASE()")
            current_user, database = cursor.fetchone()
    finally:
        connection.close()
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"user": current_user, "database": database, "stage": os.environ.get("STAGE")})}
