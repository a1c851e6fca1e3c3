"""The seeds' stack end to end against the default topology, as a customer would break it.

Reads the endpoints file named by ENDPOINTS; talks to the HTTP API with urllib and to Lambda and IAM with boto3 as
root. Prints one JSON line per step and exits non-zero at the first surprise."""
import json, os, sys, time, urllib.request, urllib.error
import boto3

endpoints = json.load(open(os.environ["ENDPOINTS"]))
root = endpoints["credentials"]["root"]
session = dict(region_name="us-east-1", endpoint_url=endpoints["aws"]["endpoint"], aws_access_key_id=root["accessKeyId"],
               aws_secret_access_key=root["secretAccessKey"])
lam, iam = boto3.client("lambda", **session), boto3.client("iam", **session)
api = endpoints["apis"]["app-api"]["url"]


def get(path):
    try:
        with urllib.request.urlopen(api + path, timeout=30) as response:
            return response.status, json.loads(response.read()), response.headers.get("apigw-requestid")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers.get("apigw-requestid")


def step(name, path, status, check=lambda body: True):
    started = time.time()
    got, body, request_id = get(path)
    print(json.dumps({"step": name, "status": got, "seconds": round(time.time() - started, 2), "body": body}))
    if got != status or not check(body) or not request_id:
        sys.exit(f"{name}: expected {status}, got {got} {body}")


def wait_updated(name):
    lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})


rows = lambda body: isinstance(body.get("rows"), list) and len(body["rows"]) > 0
step("iam route returns rows", "/iam", 200, rows)
step("password route returns rows", "/password", 200, rows)
step("python route returns rows", "/python", 200, rows)

# 1. The role loses rds-db:connect (IAM API): the proxy refuses the token, the function fails, API Gateway says 502.
policy = iam.get_role_policy(RoleName="app-role", PolicyName="connect")["PolicyDocument"]
iam.delete_role_policy(RoleName="app-role", PolicyName="connect")
step("no rds-db:connect", "/iam", 502, lambda body: body == {"message": "Internal Server Error"})
iam.put_role_policy(RoleName="app-role", PolicyName="connect", PolicyDocument=json.dumps(policy))
step("rds-db:connect back", "/iam", 200, rows)

# 2. The function moves to a security group the proxy does not admit: the connection is dropped, the function times out.
lam.update_function_configuration(FunctionName="items-password", Timeout=2,
                                  VpcConfig={"SubnetIds": ["subnet-app-a"], "SecurityGroupIds": ["sg-batch"]})
wait_updated("items-password")
step("function in sg-batch", "/password", 502)

# 3. TLS off in the function: the proxy requires TLS (3159).
lam.update_function_configuration(FunctionName="items-iam", Environment={"Variables": {"DB_TLS": "false"}})
step("TLS off", "/iam", 502)

# 4. The Python handler outside the VPC: no route to the proxy's private address.
lam.update_function_configuration(FunctionName="items-python", VpcConfig={"SubnetIds": [], "SecurityGroupIds": []},
                                  Environment={"Variables": {**lam.get_function_configuration(FunctionName="items-python")["Environment"]["Variables"],
                                                             "DB_CONNECT_TIMEOUT": "1"}})
step("python outside the VPC", "/python", 502)
print(json.dumps({"done": True}))
