# The x509_* functions on certificates generated here (python3-cryptography): names of every
# kind, hostile bytes escaped, serials and times as crt.sh shows them, a precertificate and
# its certificate pairing up by x509_tbs_sha256, and bad DER refused.
set -u
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 - "$tmp" <<'EOF' || fail "the test certificates are made"
import datetime, ipaddress, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

out = sys.argv[1]
key = ec.generate_private_key(ec.SECP256R1())
issuer = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test CA, Inc."),
                    x509.NameAttribute(NameOID.COMMON_NAME, "Test CA R1")])

def cert(name, sans, serial, extra=(), not_after=datetime.datetime(2099, 1, 2, 3, 4, 5)):
    b = (x509.CertificateBuilder().issuer_name(issuer)
         .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
         .public_key(key.public_key()).serial_number(serial)
         .not_valid_before(datetime.datetime(2024, 5, 1, 0, 0, 0)).not_valid_after(not_after)
         .add_extension(x509.SubjectAlternativeName(sans), critical=False))
    for ext, critical in extra:
        b = b.add_extension(ext, critical=critical)
    return b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

def unknown(oid, value):
    return x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), value)

names = [x509.DNSName("www.example.com"), x509.DNSName("*.example.com"),
         x509.DNSName("xn--bcher-kva.example"), x509.IPAddress(ipaddress.ip_address("192.0.2.7")),
         x509.IPAddress(ipaddress.ip_address("2001:db8::1")), x509.RFC822Name("admin@example.com")]
files = {
    "leaf": cert("www.example.com", names, 0x8badf00d),
    # A name written by a hostile requester: bytes an output must not pass on raw.
    "hostile": cert("evil\x1b[31m.example", [x509.DNSName("a\x1b]0;x\x07.example")], 5),
    # A precertificate (CT poison) and its certificate (SCT list): same TBS otherwise.
    "precert": cert("pair.example", [x509.DNSName("pair.example")], 77,
                    [(unknown("1.3.6.1.4.1.11129.2.4.3", b"\x05\x00"), True)]),
    "final": cert("pair.example", [x509.DNSName("pair.example")], 77,
                  [(unknown("1.3.6.1.4.1.11129.2.4.2", b"\x04\x03\x00\x01\x00"), False)]),
}
for name, der in files.items():
    open(f"{out}/{name}.der", "wb").write(der)
EOF

q() { ctsql :memory: "$@" 2>&1 | sqlerr; }
d() { echo "readfile('$tmp/$1.der')"; }

check "x509_names: every kind, in order" \
    "cn|www.example.com dns|www.example.com dns|*.example.com dns|xn--bcher-kva.example ip|192.0.2.7 ip|2001:db8::1 email|admin@example.com" \
    "$(q "SELECT type, name FROM x509_names($(d leaf))" | paste -sd' ')"
check "subject, issuer (as crt.sh writes it), serial with its sign byte" \
    'CN=www.example.com|C=US, O="Test CA, Inc.", CN=Test CA R1|008badf00d' \
    "$(q "SELECT x509_subject($(d leaf)), x509_issuer($(d leaf)), x509_serial($(d leaf))")"
check "validity in Unix seconds, GeneralizedTime after 2049 too" \
    "$(sqlite3 :memory: "SELECT unixepoch('2024-05-01'), unixepoch('2099-01-02 03:04:05')")" \
    "$(q "SELECT x509_not_before($(d leaf)), x509_not_after($(d leaf))")"
check "x509_sha256 is the SHA-256 of the DER" \
    "$(sha256sum "$tmp/leaf.der" | cut -d' ' -f1 | tr a-f A-F)" \
    "$(q "SELECT hex(x509_sha256($(d leaf)))")"
check "hostile bytes in names are escaped" \
    'cn|evil\x1B[31m.example dns|a\x1B]0;x\x07.example' \
    "$(q "SELECT type, name FROM x509_names($(d hostile))" | paste -sd' ')"
check "a precertificate and its certificate: flags, and one TBS hash" "1|0|1|0" \
    "$(q "SELECT x509_is_precert($(d precert)), x509_is_precert($(d final)),
                 x509_tbs_sha256($(d precert)) = x509_tbs_sha256($(d final)),
                 x509_sha256($(d precert)) = x509_sha256($(d final))")"
check "NULL gives NULL" "NULL|NULL|0" \
    "$(q "SELECT x509_subject(NULL), x509_tbs_sha256(NULL),
                 (SELECT count(*) FROM x509_names(NULL))")"
check "bad DER: a clear error" "error: x509_subject: not a DER certificate" \
    "$(q "SELECT x509_subject(x'3003020101')")"
check "bytes after the certificate: refused" "error: x509_serial: bytes after the certificate" \
    "$(q "SELECT x509_serial($(d leaf) || x'00')")"
check "x509_names on text that is no certificate" "error: x509_names: not a DER certificate" \
    "$(q "SELECT * FROM x509_names('hello')")"
check "the functions are pure: usable in an index" "ok" \
    "$(q "CREATE TABLE c(der BLOB); CREATE INDEX c_cn ON c(x509_subject(der)); SELECT 'ok'")"
