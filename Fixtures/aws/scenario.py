"""Shared by the boto3 scenarios: clients for the sandbox's endpoint and error capture.
Reads AWS_ENDPOINT_URL, AWS_DEFAULT_REGION and the root credentials from the environment."""
import json, os
import boto3
from botocore.exceptions import ClientError

REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")

def client(service, creds=None):
    """A boto3 client for the sandbox, as root or with STS-style credentials."""
    kwargs = dict(region_name=REGION, endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    if creds:
        kwargs.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                      aws_session_token=creds.get("SessionToken"))
    return boto3.client(service, **kwargs)

def error(call):
    """None when the call succeeds, else AWS's error code, message and HTTP status."""
    try:
        call()
        return None
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}

def doc(*statements):
    """A policy document of these statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
