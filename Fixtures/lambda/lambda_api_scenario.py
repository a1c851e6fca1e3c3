"""boto3 against the sandbox's Lambda and apigatewayv2 APIs: every call signed, verified and authorized.

Reads ENDPOINTS (the endpoints file of the default topology); prints one JSON line per check, exits non-zero
at the first surprise."""
import base64, json, os, sys, urllib.request, urllib.error
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoints = json.load(open(os.environ["ENDPOINTS"]))
root = endpoints["credentials"]["root"]
session = dict(region_name="us-east-1", endpoint_url=endpoints["aws"]["endpoint"], aws_access_key_id=root["accessKeyId"],
               aws_secret_access_key=root["secretAccessKey"], config=Config(retries={"max_attempts": 1}))
lam, iam, apigw = boto3.client("lambda", **session), boto3.client("iam", **session), boto3.client("apigatewayv2", **session)
developer = endpoints["credentials"]["developer"]
as_developer = boto3.client("lambda", region_name="us-east-1", endpoint_url=endpoints["aws"]["endpoint"],
                            aws_access_key_id=developer["accessKeyId"], aws_secret_access_key=developer["secretAccessKey"])


def check(name, condition, detail=None):
    print(json.dumps({"check": name, "ok": bool(condition), "detail": detail}, default=str))
    if not condition:
        sys.exit(f"{name}: {detail}")


def code(call):
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"], error.response
    return None, None, None


names = sorted(f["FunctionName"] for f in lam.list_functions()["Functions"])
check("ListFunctions", names == ["echo", "items-go", "items-iam", "items-password", "items-python"], names)
config = lam.get_function_configuration(FunctionName="items-iam")
check("GetFunctionConfiguration", config["Timeout"] == 5 and config["VpcConfig"]["SecurityGroupIds"] == ["sg-function"]
      and config["Environment"]["Variables"]["DB_HOST"].startswith("app-proxy.proxy-"), config)
check("GetFunction", lam.get_function(FunctionName="echo")["Configuration"]["FunctionArn"].endswith(":function:echo"))

out = lam.invoke(FunctionName="echo", Payload=json.dumps({"hello": "world"}), LogType="Tail")
log = base64.b64decode(out["LogResult"]).decode()
check("Invoke with Tail", json.loads(out["Payload"].read()) == {"hello": "world"} and "START RequestId" in log and "REPORT RequestId" in log, log)
check("Invoke DryRun", lam.invoke(FunctionName="echo", InvocationType="DryRun")["StatusCode"] == 204)
check("Invoke Event", lam.invoke(FunctionName="echo", InvocationType="Event", Payload=b"{}")["StatusCode"] == 202)
failed = lam.invoke(FunctionName="items-iam", Payload=json.dumps({"rawPath": "/boto3"}))
check("Invoke result", "FunctionError" not in failed and json.loads(failed["Payload"].read())["rows"][-1]["route"] == "/boto3")

error, status, _ = code(lambda: lam.invoke(FunctionName="nope"))
check("unknown function", (error, status) == ("ResourceNotFoundException", 404), error)
error, status, _ = code(lambda: lam.update_function_configuration(FunctionName="echo", Timeout=901))
check("timeout over 900", error == "ValidationException", error)
error, status, _ = code(lambda: as_developer.invoke(FunctionName="echo"))
check("developer may not invoke", (error, status) == ("AccessDeniedException", 403), error)

lam.put_function_concurrency(FunctionName="echo", ReservedConcurrentExecutions=0)
error, status, response = code(lambda: lam.invoke(FunctionName="echo"))
check("reserved concurrency 0 throttles", (error, status) == ("TooManyRequestsException", 429) and response.get("Reason") == "ReservedFunctionConcurrentInvocationLimitExceeded", response)
try:
    urllib.request.urlopen(endpoints["apis"]["app-api"]["url"] + "/anything", timeout=10)
    check("throttled route", False)
except urllib.error.HTTPError as http:
    check("throttled route is API Gateway's 500", http.code == 500 and json.loads(http.read()) == {"message": "Internal Server Error"}, http.code)
lam.delete_function_concurrency(FunctionName="echo")

error, status, response = code(lambda: lam.update_function_configuration(
    FunctionName="items-iam", VpcConfig={"SubnetIds": ["subnet-nope"], "SecurityGroupIds": ["sg-function"]}))
check("a subnet that does not exist", error == "InvalidParameterValueException" and "subnet-nope" in response["Error"]["Message"], response)
check("the function kept its VPC", lam.get_function_configuration(FunctionName="items-iam")["VpcConfig"]["SubnetIds"] == ["subnet-app-a"])
with urllib.request.urlopen(endpoints["apis"]["app-api"]["url"] + "/iam", timeout=10) as still:
    check("and still reaches the proxy", still.status == 200)

trust = iam.get_role(RoleName="app-role")["Role"]["AssumeRolePolicyDocument"]
iam.update_assume_role_policy(RoleName="app-role", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
lam.update_function_configuration(FunctionName="echo", MemorySize=256)  # a new instance must assume the role again
error, status, response = code(lambda: lam.invoke(FunctionName="echo"))
check("a role Lambda cannot assume", error == "InvalidParameterValueException" and "cannot be assumed by Lambda" in response["Error"]["Message"], response)
iam.update_assume_role_policy(RoleName="app-role", PolicyDocument=trust if isinstance(trust, str) else json.dumps(trust))
check("trust restored", lam.invoke(FunctionName="echo", Payload=b"[]")["StatusCode"] == 200)

# API Gateway may invoke echo through the function's resource-based policy (added for each API, as SAM does);
# without it the route answers 500, the customer's "Invalid permissions on Lambda function".
policy = json.loads(lam.get_policy(FunctionName="echo")["Policy"])
statement = policy["Statement"][0]
check("GetPolicy", statement["Principal"] == {"Service": "apigateway.amazonaws.com"} and statement["Action"] == "lambda:InvokeFunction"
      and statement["Condition"]["ArnLike"]["AWS:SourceArn"].startswith("arn:aws:execute-api:us-east-1:123456789012:"), policy)
lam.remove_permission(FunctionName="echo", StatementId=statement["Sid"])
try:
    urllib.request.urlopen(endpoints["apis"]["app-api"]["url"] + "/anything", timeout=10)
    check("route without permission", False)
except urllib.error.HTTPError as http:
    check("no permission: API Gateway's 500", http.code == 500 and json.loads(http.read()) == {"message": "Internal Server Error"}, http.code)
error, status, _ = code(lambda: lam.get_policy(FunctionName="echo"))
check("no policy left", (error, status) == ("ResourceNotFoundException", 404), error)
lam.add_permission(FunctionName="echo", StatementId="back", Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                   SourceArn=statement["Condition"]["ArnLike"]["AWS:SourceArn"])
with urllib.request.urlopen(endpoints["apis"]["app-api"]["url"] + "/anything", timeout=10) as back:
    check("permission back", back.status == 200)
error, status, _ = code(lambda: lam.add_permission(FunctionName="echo", StatementId="back", Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com"))
check("a statement id twice", (error, status) == ("ResourceConflictException", 409), error)

apis = apigw.get_apis()["Items"]
check("GetApis", [a["Name"] for a in apis] == ["app-api"] and apis[0]["ProtocolType"] == "HTTP", apis)
routes = sorted(r["RouteKey"] for r in apigw.get_routes(ApiId=apis[0]["ApiId"])["Items"])
check("GetRoutes", routes == ["ANY /{proxy+}", "GET /go", "GET /iam", "GET /password", "GET /python"], routes)
integrations = apigw.get_integrations(ApiId=apis[0]["ApiId"])["Items"]
check("GetIntegrations", all(i["IntegrationType"] == "AWS_PROXY" and i["PayloadFormatVersion"] == "2.0" for i in integrations), integrations)
check("GetStages", apigw.get_stages(ApiId=apis[0]["ApiId"])["Items"][0]["StageName"] == "$default")
print(json.dumps({"done": True}))
