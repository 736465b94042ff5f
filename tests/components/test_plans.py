"""The CRM's and the relay's pure plans: security-group rules, listeners and boot scripts, exact values."""

from __future__ import annotations

import base64

from stayup.components.crm import SecurityRule, security_rules
from stayup.components.crm import user_data as crm_user_data
from stayup.components.relay import EGRESS, INGRESS, RelayPort, relay_ports
from stayup.components.relay import user_data as relay_user_data


def test_crm_security_rules_with_https():
    assert security_rules(8080, https=True) == [
        SecurityRule("alb-in-443", "alb", "in", 443, "clients"),
        SecurityRule("alb-in-80", "alb", "in", 80, "clients"),
        SecurityRule("alb-to-app", "alb", "out", 8080, "to application instances", peer="app"),
        SecurityRule("app-from-alb", "app", "in", 8080, "from the load balancer", peer="alb"),
        SecurityRule("app-https", "app", "out", 443, "package updates and AWS APIs through the NAT"),
        SecurityRule("app-to-db", "app", "out", 5432, "to the database", peer="db"),
        SecurityRule("db-from-app", "db", "in", 5432, "from application instances", peer="app"),
    ]


def test_crm_security_rules_without_https_open_only_80_to_clients():
    assert security_rules(9000, https=False) == [
        SecurityRule("alb-in-80", "alb", "in", 80, "clients"),
        SecurityRule("alb-to-app", "alb", "out", 9000, "to application instances", peer="app"),
        SecurityRule("app-from-alb", "app", "in", 9000, "from the load balancer", peer="alb"),
        SecurityRule("app-https", "app", "out", 443, "package updates and AWS APIs through the NAT"),
        SecurityRule("app-to-db", "app", "out", 5432, "to the database", peer="db"),
        SecurityRule("db-from-app", "db", "in", 5432, "from application instances", peer="app"),
    ]


def test_crm_user_data_serves_the_readiness_path_on_the_app_port():
    script = base64.b64decode(crm_user_data(8080, "/healthz")).decode()
    assert script == (
        "#!/bin/bash\n"
        "set -euo pipefail\n"
        "dnf install -y nginx\n"
        "cat >/etc/nginx/conf.d/crm.conf <<'CONF'\n"
        "server { listen 8080; location = /healthz { return 200 'ok'; } location / { return 200 'crm'; } }\n"
        "CONF\n"
        "systemctl enable --now nginx\n"
    )


def test_relay_security_group_tables():
    assert INGRESS == [
        ("turn-udp", "udp", (3478, 3478)),
        ("turn-tcp", "tcp", (3478, 3478)),
        ("turn-tls", "tcp", (5349, 5349)),
        ("media", "udp", (49152, 65535)),
    ]
    assert EGRESS == [("media", "udp", (49152, 65535)), ("peers", "udp", (3478, 3478)), ("https", "tcp", (443, 443))]


def test_relay_ports_terminate_tls_only_with_a_certificate():
    assert relay_ports(tls_termination=False) == [
        RelayPort("turn", 3478, "TCP_UDP", "TCP_UDP"),
        RelayPort("turns", 5349, "TCP", "TCP"),
    ]
    assert relay_ports(tls_termination=True) == [
        RelayPort("turn", 3478, "TCP_UDP", "TCP_UDP"),
        RelayPort("turns", 5349, "TCP", "TLS"),
    ]


def test_relay_user_data_configures_coturn_ports():
    script = base64.b64decode(relay_user_data()).decode()
    lines = script.splitlines()
    assert lines[:3] == ["#!/bin/bash", "set -euo pipefail", "dnf install -y coturn"]
    config = lines[lines.index("cat >/etc/coturn/turnserver.conf <<CONF") + 1 : lines.index("CONF")]
    assert config == [
        "listening-port=3478",
        "tls-listening-port=5349",
        "min-port=49152",
        "max-port=65535",
        "external-ip=$PUBLIC_IP",
        "fingerprint",
        "use-auth-secret",
    ]
    assert lines[-1] == "systemctl enable --now coturn"
