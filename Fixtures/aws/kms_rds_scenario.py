"""boto3 against the sandbox's AWS endpoint: KMS key policies and kms:ViaService for CMK-encrypted secrets,
the policy simulator, RotateSecret, and the RDS proxy control plane. Expects a DB instance 'app-db' registered.
Reads AWS_ENDPOINT_URL and the root credentials from the environment; prints one JSON object of outcomes."""
import json
from scenario import REGION, client, doc, error

out = {}

sts, iam, sm, kms, rds = (client(s) for s in ("sts", "iam", "secretsmanager", "kms", "rds"))
account = sts.get_caller_identity()["Account"]
root = f"arn:aws:iam::{account}:root"
trust_account = doc({"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole"})

# A CMK with the default key policy (delegating to IAM), and a secret encrypted under it.
key = kms.create_key(Description="app secrets")["KeyMetadata"]
out["key_state"] = key["KeyState"]
out["key_arn"] = key["Arn"]
kms.create_alias(AliasName="alias/app-secrets", TargetKeyId=key["KeyId"])
out["described_by_alias"] = kms.describe_key(KeyId="alias/app-secrets")["KeyMetadata"]["Arn"] == key["Arn"]
secret = sm.create_secret(Name="app/db", KmsKeyId="alias/app-secrets", SecretString='{"password":"s3cret"}')

iam.create_role(RoleName="app-role", AssumeRolePolicyDocument=trust_account)
iam.put_role_policy(RoleName="app-role", PolicyName="read", PolicyDocument=doc(
    {"Sid": "ReadAppSecret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret["ARN"]}))
app = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/app-role", RoleSessionName="app")["Credentials"]
out["cmk_denied"] = error(lambda: client("secretsmanager", app).get_secret_value(SecretId="app/db"))

sim = iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{account}:role/app-role",
                                    ActionNames=["secretsmanager:GetSecretValue", "kms:Decrypt"], ResourceArns=[secret["ARN"]])
out["simulated"] = {r["EvalActionName"]: [r["EvalDecision"], [m["SourcePolicyId"] for m in r["MatchedStatements"]]] for r in sim["EvaluationResults"]}

iam.put_role_policy(RoleName="app-role", PolicyName="decrypt-via-sm", PolicyDocument=doc(
    {"Sid": "DecryptThroughSecretsManager", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key["Arn"],
     "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}}}))
out["cmk_read"] = json.loads(client("secretsmanager", app).get_secret_value(SecretId="app/db")["SecretString"])["password"]

# Direct KMS use: Encrypt/Decrypt with an encryption context; the role's grant is only through Secrets Manager.
blob = kms.encrypt(KeyId="alias/app-secrets", Plaintext=b"hello", EncryptionContext={"purpose": "test"})["CiphertextBlob"]
out["roundtrip"] = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "test"})["Plaintext"].decode()
out["wrong_context"] = error(lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "other"}))
out["direct_decrypt_denied"] = error(lambda: client("kms", app).decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "test"}))

# A key whose policy names only root's admin role, not the account: IAM policies cannot help.
locked = kms.create_key(Policy=doc({"Sid": "RootOnly", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
                                   {"Sid": "DenyAppRole", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{account}:role/app-role"}, "Action": "kms:*", "Resource": "*"}))["KeyMetadata"]
out["explicit_key_deny"] = error(lambda: client("kms", app).describe_key(KeyId=locked["KeyId"]))
out["lockout"] = error(lambda: kms.put_key_policy(KeyId=locked["KeyId"], PolicyName="default", Policy=doc(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:role/app-role"}, "Action": "kms:*", "Resource": "*"})))
out["missing_key"] = error(lambda: kms.describe_key(KeyId="11111111-2222-3333-4444-555555555555"))
kms.disable_key(KeyId=key["KeyId"])
out["disabled_read"] = error(lambda: sm.get_secret_value(SecretId="app/db"))
kms.enable_key(KeyId=key["KeyId"])

sm.rotate_secret(SecretId="app/db", RotationLambdaARN=f"arn:aws:lambda:{REGION}:{account}:function:rotate", RotationRules={"AutomaticallyAfterDays": 30})
described = sm.describe_secret(SecretId="app/db")
out["rotation"] = [str(described["RotationEnabled"]), described["RotationRules"]["AutomaticallyAfterDays"], described["KmsKeyId"]]

# RDS: the registered instance, a proxy in front of it, and the refusals.
instance = rds.describe_db_instances(DBInstanceIdentifier="app-db")["DBInstances"][0]
out["instance"] = [instance["Engine"], instance["Endpoint"]["Port"], instance["DbiResourceId"][:3]]
iam.create_role(RoleName="proxy-role", AssumeRolePolicyDocument=doc({"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}))
proxy = rds.create_db_proxy(DBProxyName="app-proxy", EngineFamily="MYSQL", RoleArn=f"arn:aws:iam::{account}:role/proxy-role",
                            Auth=[{"AuthScheme": "SECRETS", "SecretArn": secret["ARN"], "IAMAuth": "REQUIRED"}],
                            VpcSubnetIds=["subnet-a", "subnet-b"], RequireTLS=True)["DBProxy"]
out["proxy"] = [proxy["Status"], proxy["IdleClientTimeout"], str(proxy["RequireTLS"]), proxy["DBProxyArn"].split(":")[-1][:4],
                proxy["Endpoint"].split(".")[0], proxy["Auth"][0]["IAMAuth"], proxy["Auth"][0]["ClientPasswordAuthType"]]
group = rds.describe_db_proxy_target_groups(DBProxyName="app-proxy")["TargetGroups"][0]
out["pool_defaults"] = [group["TargetGroupName"], group["ConnectionPoolConfig"]["MaxConnectionsPercent"],
                        group["ConnectionPoolConfig"]["MaxIdleConnectionsPercent"], group["ConnectionPoolConfig"]["ConnectionBorrowTimeout"]]
rds.modify_db_proxy_target_group(DBProxyName="app-proxy", TargetGroupName="default", ConnectionPoolConfig={"MaxConnectionsPercent": 80, "SessionPinningFilters": ["EXCLUDE_VARIABLE_SETS"]})
out["pool_modified"] = rds.describe_db_proxy_target_groups(DBProxyName="app-proxy")["TargetGroups"][0]["ConnectionPoolConfig"]["MaxConnectionsPercent"]
out["pool_invalid"] = error(lambda: rds.modify_db_proxy_target_group(DBProxyName="app-proxy", TargetGroupName="default", ConnectionPoolConfig={"MaxConnectionsPercent": 40, "MaxIdleConnectionsPercent": 60}))
registered = rds.register_db_proxy_targets(DBProxyName="app-proxy", DBInstanceIdentifiers=["app-db"])["DBProxyTargets"][0]
out["target"] = [registered["Type"], registered["RdsResourceId"], registered["TargetHealth"]["State"]]
out["targets"] = len(rds.describe_db_proxy_targets(DBProxyName="app-proxy")["Targets"])
out["twice_registered"] = error(lambda: rds.register_db_proxy_targets(DBProxyName="app-proxy", DBInstanceIdentifiers=["app-db"]))
out["unknown_instance"] = error(lambda: rds.register_db_proxy_targets(DBProxyName="app-proxy", DBInstanceIdentifiers=["nope"]))
out["duplicate_proxy"] = error(lambda: rds.create_db_proxy(DBProxyName="app-proxy", EngineFamily="MYSQL", RoleArn=f"arn:aws:iam::{account}:role/proxy-role",
                                                          Auth=[{"AuthScheme": "SECRETS", "SecretArn": secret["ARN"]}], VpcSubnetIds=["subnet-a"]))
out["bad_name"] = error(lambda: rds.create_db_proxy(DBProxyName="bad--name", EngineFamily="MYSQL", RoleArn=f"arn:aws:iam::{account}:role/proxy-role",
                                                   Auth=[{"AuthScheme": "SECRETS", "SecretArn": secret["ARN"]}], VpcSubnetIds=["subnet-a"]))
out["pass_role_denied"] = error(lambda: client("rds", app).create_db_proxy(DBProxyName="other", EngineFamily="MYSQL", RoleArn=f"arn:aws:iam::{account}:role/proxy-role",
                                                                         Auth=[{"AuthScheme": "SECRETS", "SecretArn": secret["ARN"]}], VpcSubnetIds=["subnet-a"]))
rds.modify_db_proxy(DBProxyName="app-proxy", IdleClientTimeout=600)
out["modified_timeout"] = rds.describe_db_proxies(DBProxyName="app-proxy")["DBProxies"][0]["IdleClientTimeout"]
rds.delete_db_proxy(DBProxyName="app-proxy")
out["deleted"] = error(lambda: rds.describe_db_proxies(DBProxyName="app-proxy"))
print(json.dumps(out))
