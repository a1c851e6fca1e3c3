"""RDS Proxy endpoints through boto3 and PyMySQL, as a customer's code meets them.

Usage: proxy_endpoints_scenario.py PROXY ENDPOINT HOST PORT [create]
Reads the proxy's targets and endpoints (boto3), then through ENDPOINT's listener at HOST:PORT (PyMySQL, as app)
reads and tries a write. With `create`, it first creates a READ_ONLY endpoint `<ENDPOINT>-extra` and tries
requests RDS refuses. Prints every outcome as one JSON object; an AWS or MySQL error as {"code", "message"}.
"""
import json
import sys

import boto3
import botocore.exceptions
import pymysql

proxy, endpoint, host, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rds = boto3.client("rds")
out = {}


def attempt(key, call):
    try:
        out[key] = call()
    except botocore.exceptions.ClientError as error:
        out[key] = {"code": error.response["Error"]["Code"], "message": error.response["Error"]["Message"]}
    except pymysql.MySQLError as error:
        out[key] = {"code": str(error.args[0]), "message": error.args[1] if len(error.args) > 1 else ""}


if len(sys.argv) > 5 and sys.argv[5] == "create":
    attempt("created", lambda: rds.create_db_proxy_endpoint(
        DBProxyName=proxy, DBProxyEndpointName=endpoint + "-extra", VpcSubnetIds=["subnet-sandbox"], TargetRole="READ_ONLY")["DBProxyEndpoint"]["Status"])
    attempt("bad_role", lambda: rds.create_db_proxy_endpoint(
        DBProxyName=proxy, DBProxyEndpointName="bad-role", VpcSubnetIds=["subnet-sandbox"], TargetRole="READ_MOSTLY"))
    attempt("duplicate", lambda: rds.create_db_proxy_endpoint(DBProxyName=proxy, DBProxyEndpointName=endpoint, VpcSubnetIds=["subnet-sandbox"]))
    attempt("no_proxy", lambda: rds.create_db_proxy_endpoint(DBProxyName="nope", DBProxyEndpointName="other", VpcSubnetIds=["subnet-sandbox"]))
    attempt("delete_default", lambda: rds.delete_db_proxy_endpoint(DBProxyEndpointName="default"))
    attempt("describe_missing", lambda: rds.describe_db_proxy_endpoints(DBProxyEndpointName="nope"))

attempt("targets", lambda: [
    " ".join(str(value or "-") for value in [target.get(key) for key in ("Type", "RdsResourceId", "TrackedClusterId", "Role")]
             + [target.get("TargetHealth", {}).get("State")])
    for target in rds.describe_db_proxy_targets(DBProxyName=proxy)["Targets"]])
attempt("endpoints", lambda: [
    {key: found[key] for key in ("DBProxyEndpointName", "TargetRole", "IsDefault", "Status", "Endpoint")}
    for found in rds.describe_db_proxy_endpoints(DBProxyName=proxy)["DBProxyEndpoints"]])


def read_then_write():
    connection = pymysql.connect(host=host, port=port, user="app", password="app-Passw0rd", database="shop", connect_timeout=10, read_timeout=30)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*), @@innodb_read_only FROM writes")
            out["read"] = list(cursor.fetchone())
            attempt("write", lambda: cursor.execute("INSERT INTO writes (client, seq) VALUES (7, 1)"))
    finally:
        connection.close()
    return "done"


attempt("client", read_then_write)
print(json.dumps(out))
