import pytest

from finlake.storage import LakeConfigError, Store, check_lake_uri, s3_options


@pytest.mark.parametrize(
    ("uri", "normalized"),
    [
        ("s3://my-bucket/lake", "s3://my-bucket/lake"),
        ("s3://my.bucket/a/b_c/", "s3://my.bucket/a/b_c"),
        ("s3://bucket", "s3://bucket"),
        (" /data/lake/ ", "/data/lake"),
    ],
)
def test_usable_lake_uris(uri, normalized):
    assert check_lake_uri(uri) == normalized


@pytest.mark.parametrize(
    "uri",
    [
        "s3://Bucket/lake",
        "s3://b/lake",
        "s3://bucket/../etc",
        "s3://bucket/a b",
        "s3://bucket/x?y=1",
        "gs://bucket/lake",
        "file:///data/lake",
        "lake",
    ],
)
def test_unusable_lake_uris(uri):
    with pytest.raises(LakeConfigError, match="FINLAKE_LAKE_URI"):
        check_lake_uri(uri)


def test_s3_options_from_the_aws_variables():
    env = {
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000",
        "AWS_ENDPOINT_URL": "http://elsewhere",
        "UNRELATED": "x",
    }
    assert s3_options(env) == {
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_ALLOW_HTTP": "true",
    }
    assert s3_options({}) == {"AWS_REGION": "us-east-1"}  # https, the SDK's own credentials


def test_a_store_never_shows_its_secret():
    store = Store.at("s3://bucket/lake", {"AWS_SECRET_ACCESS_KEY": "hunter2"})
    assert "hunter2" not in repr(store) and "hunter2" not in str(store)
    assert store.storage_options["AWS_SECRET_ACCESS_KEY"] == "hunter2"
    assert Store.at("/tmp/lake").storage_options is None
