"""The S3 (moto) and DNS (dnslib) test servers, driven through boto3 and dnspython."""

from __future__ import annotations

import time

import dns.exception
import dns.resolver
import pytest
from botocore.exceptions import ClientError

from tests.servers.dns import DNSTestServer, free_udp_port
from tests.servers.s3 import S3TestServer


def test_boto3_round_trips_an_object(s3_server: S3TestServer, s3_bucket: str) -> None:
    client = s3_server.client()
    client.put_object(Bucket=s3_bucket, Key="raw/2026/03/reply.eml", Body=b"From: a\r\n\r\nhi")

    got = client.get_object(Bucket=s3_bucket, Key="raw/2026/03/reply.eml")
    assert got["Body"].read() == b"From: a\r\n\r\nhi"
    with pytest.raises(ClientError) as missing:
        client.get_object(Bucket=s3_bucket, Key="raw/nope.eml")
    assert missing.value.response["Error"]["Code"] == "NoSuchKey"


def test_each_test_gets_its_own_empty_bucket(s3_server: S3TestServer, s3_bucket: str) -> None:
    client = s3_server.client()
    assert client.list_objects_v2(Bucket=s3_bucket)["KeyCount"] == 0
    assert s3_server.env(s3_bucket)["AWS_STORAGE_BUCKET_NAME"] == s3_bucket


def test_deleted_bucket_is_gone(s3_server: S3TestServer) -> None:
    name = s3_server.create_bucket()
    s3_server.client().put_object(Bucket=name, Key="k", Body=b"v")
    s3_server.delete_bucket(name)
    names = [b["Name"] for b in s3_server.client().list_buckets()["Buckets"]]
    assert name not in names


def _resolver(port: int, lifetime: float = 2.0) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.nameserver_ports = {"127.0.0.1": port}
    resolver.lifetime = lifetime
    return resolver


def test_mx_lookup_returns_the_configured_exchanges(dns_server: DNSTestServer) -> None:
    dns_server.records["hotel-a.test"] = {
        "MX": [(20, "backup.hotel-a.test"), (10, "mx.hotel-a.test")]
    }

    answer = _resolver(dns_server.port).resolve("Hotel-A.test", "MX")
    assert sorted((r.preference, r.exchange.to_text()) for r in answer) == [
        (10, "mx.hotel-a.test."),
        (20, "backup.hotel-a.test."),
    ]
    assert dns_server.queries == [("hotel-a.test", "MX")]


def test_a_and_txt_answers_also_work_over_tcp(dns_server: DNSTestServer) -> None:
    dns_server.records["mx.hotel-a.test"] = {"A": ["192.0.2.25"], "TXT": ["v=spf1 mx -all"]}
    resolver = _resolver(dns_server.port)

    a = resolver.resolve("mx.hotel-a.test", "A", tcp=True)
    txt = resolver.resolve("mx.hotel-a.test", "TXT")
    assert [r.address for r in a] == ["192.0.2.25"]
    assert [b"".join(r.strings) for r in txt] == [b"v=spf1 mx -all"]


def test_unknown_name_is_nxdomain_and_missing_type_is_no_answer(dns_server: DNSTestServer) -> None:
    dns_server.records["hotel-a.test"] = {"A": ["192.0.2.10"]}
    resolver = _resolver(dns_server.port)

    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver.resolve("no-such-hotel.test", "MX")
    with pytest.raises(dns.resolver.NoAnswer):
        resolver.resolve("hotel-a.test", "MX")


def test_servfail_name_leaves_no_usable_nameserver(dns_server: DNSTestServer) -> None:
    dns_server.records["broken.test"] = "SERVFAIL"
    with pytest.raises(dns.resolver.NoNameservers):
        _resolver(dns_server.port).resolve("broken.test", "MX")


def test_slow_server_makes_the_resolver_time_out(dns_server: DNSTestServer) -> None:
    dns_server.records["hotel-a.test"] = {"MX": [(10, "mx.hotel-a.test")]}
    dns_server.delay = 1.0

    started = time.monotonic()
    with pytest.raises(dns.exception.Timeout):
        _resolver(dns_server.port, lifetime=0.3).resolve("hotel-a.test", "MX")
    assert time.monotonic() - started < 0.9


def test_nothing_listening_times_out_too() -> None:
    with pytest.raises(dns.exception.Timeout):
        _resolver(free_udp_port(), lifetime=0.3).resolve("hotel-a.test", "MX")


def test_address_follows_the_dns_resolver_setting_grammar(dns_server: DNSTestServer) -> None:
    dns_server.records["hotel-a.test"] = {"A": ["192.0.2.10"]}
    host, port = dns_server.address.split(":")

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = int(port)
    assert [r.address for r in resolver.resolve("hotel-a.test", "A")] == ["192.0.2.10"]
