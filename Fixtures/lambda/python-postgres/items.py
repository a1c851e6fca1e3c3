"""A customer's Lambda handlers for the PostgreSQL stack, unmodified: run by awslambdaric
(`python3 -m awslambdaric items.iam_handler`).

`iam_handler` logs in to the RDS Proxy for PostgreSQL by its DNS name on 5432 over TLS (the proxy CA bundle, else
the system's store) with pg8000 and an IAM token boto3 signs with the execution role's credentials; it records the
request and returns every visit.
"""
import json
import os
import ssl

import boto3
import pg8000.native


def _connect(user, password):
    bundle = os.environ.get("DB_CA_BUNDLE")
    context = ssl.create_default_context(cafile=bundle) if bundle else ssl.create_default_context()
    return pg8000.native.Connection(user=user, password=password, host=os.environ["DB_HOST"], port=int(os.environ.get("DB_PORT", "5432")),
                                    database=os.environ.get("DB_NAME", "items"), ssl_context=context, timeout=5,
                                    application_name=os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "items"))


def _visit(connection, event, how):
    connection.run("INSERT INTO visits (route, at) VALUES (:route, now())", route=event.get("rawPath", how))
    rows = connection.run("SELECT id, route, at FROM visits ORDER BY id")
    user = connection.run("SELECT current_user")[0][0]
    body = {"user": user, "auth": how, "rows": [{"id": r[0], "route": r[1], "at": str(r[2])} for r in rows]}
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def iam_handler(event, context):
    host, port, user = os.environ["DB_HOST"], int(os.environ.get("DB_PORT", "5432")), os.environ["DB_USER"]
    token = boto3.client("rds").generate_db_auth_token(DBHostname=host, Port=port, DBUsername=user, Region=os.environ["AWS_REGION"])
    connection = _connect(user, token)
    try:
        return _visit(connection, event, "iam")
    finally:
        connection.close()

