"""boto3 against the sandbox's AWS endpoint: IAM roles, AssumeRole, Secrets Manager, with the refusals AWS gives.
Reads AWS_ENDPOINT_URL and the root credentials from the environment; prints one JSON object of outcomes."""
import json
from scenario import REGION, client, error

out = {}

sts, iam, sm = client("sts"), client("iam"), client("secretsmanager")
account = sts.get_caller_identity()["Account"]
out["root"] = sts.get_caller_identity()["Arn"]

trust_account = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]})
trust_rds = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
iam.create_role(RoleName="app-role", AssumeRolePolicyDocument=trust_account)
iam.put_role_policy(RoleName="app-role", PolicyName="read-db-secret", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "ReadDbSecret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": f"arn:aws:secretsmanager:{REGION}:{account}:secret:db-creds-*"}]}))
iam.create_role(RoleName="no-perm-role", AssumeRolePolicyDocument=trust_account)
iam.create_role(RoleName="proxy-role", AssumeRolePolicyDocument=trust_rds)
out["duplicate_role"] = error(lambda: iam.create_role(RoleName="app-role", AssumeRolePolicyDocument=trust_account))
out["malformed_policy"] = error(lambda: iam.put_role_policy(RoleName="app-role", PolicyName="bad", PolicyDocument='{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"GetSecretValue","Resource":"*"}}'))

created = sm.create_secret(Name="db-creds", SecretString=json.dumps({"username": "admin", "password": "hunter2"}))
out["secret_arn"] = created["ARN"]
out["duplicate_secret"] = error(lambda: sm.create_secret(Name="db-creds", SecretString="x"))

app = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/app-role", RoleSessionName="lambda-1")["Credentials"]
out["app_identity"] = client("sts", app).get_caller_identity()["Arn"]
out["app_read"] = json.loads(client("secretsmanager", app).get_secret_value(SecretId="db-creds")["SecretString"])
out["app_list_denied"] = error(lambda: client("secretsmanager", app).list_secrets())

noperm = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/no-perm-role", RoleSessionName="batch")["Credentials"]
out["noperm_read"] = error(lambda: client("secretsmanager", noperm).get_secret_value(SecretId="db-creds"))
out["assume_untrusted"] = error(lambda: client("sts", app).assume_role(RoleArn=f"arn:aws:iam::{account}:role/proxy-role", RoleSessionName="not-rds"))

wrong = dict(app, SecretAccessKey="wrong" + app["SecretAccessKey"][5:])
out["wrong_secret"] = error(lambda: client("secretsmanager", wrong).get_secret_value(SecretId="db-creds"))
out["unknown_key"] = error(lambda: client("sts", {"AccessKeyId": "AKIAUNKNOWNKEY000000", "SecretAccessKey": "x"}).get_caller_identity())

sm.put_secret_value(SecretId="db-creds", SecretString=json.dumps({"username": "admin", "password": "rotated"}))
out["after_rotation"] = json.loads(sm.get_secret_value(SecretId=created["ARN"])["SecretString"])["password"]
out["previous"] = json.loads(sm.get_secret_value(SecretId="db-creds", VersionStage="AWSPREVIOUS")["SecretString"])["password"]
out["missing_secret"] = error(lambda: sm.get_secret_value(SecretId="nope"))
sm.delete_secret(SecretId="db-creds", RecoveryWindowInDays=7)
out["deleted_read"] = error(lambda: sm.get_secret_value(SecretId="db-creds"))
sm.restore_secret(SecretId="db-creds")
out["restored"] = "SecretString" in sm.get_secret_value(SecretId="db-creds")
print(json.dumps(out))
