# The Debian packages the test suites use: PostgreSQL (twin suite), Samba AD DC (AD audit; openssl makes its weak
# CA certificates), Chromium (browser tests), nmap/testssl.sh/python3-evtx (peers measured or compared),
# OpenSSH/telnetd/Samba (exposure testbed).
SYSTEM_PACKAGES="postgresql samba samba-ad-dc krb5-user ldap-utils winbind chromium nmap python3-evtx testssl.sh \
openssh-server inetutils-telnetd poppler-utils zbar-tools iproute2 openssl"

install_system_packages() {
  local missing=()
  for p in $SYSTEM_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing system packages (install them as root): ${missing[*]}" >&2
    return 1
  fi
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
}
