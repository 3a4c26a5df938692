"""Adds every entry of an LDIF file to a stopped Samba AD DC's sam.ldb in one transaction.

Goes through Samba's own dsdb module stack (samldb assigns objectSid, objectGUID, sAMAccountType,
primaryGroupID…), so the objects are the same valid AD objects an LDAP add would create, without one
network round trip and one transaction per entry.
usage: load-ldif.py <smb.conf> <sam.ldb> <file.ldif>
"""
import sys

from samba.auth import system_session
from samba.param import LoadParm
from samba.samdb import SamDB

conf, url, path = sys.argv[1:4]
lp = LoadParm()
lp.load(conf)
# The default transaction index cache is small: with 27,000 adds the index records (objectClass, the
# one-level index of the OU…) are flushed and re-read over and over and the load turns quadratic.
# Samba's own provision and join raise it the same way; batch_mode drops the per-add rollback copies
# (a failed add cancels the whole load instead, which is what we want here).
db = SamDB(
    url=url,
    lp=lp,
    session_info=system_session(),
    options=["transaction_index_cache_size:200000", "batch_mode:1"],
)
with open(path, encoding="utf-8") as f:
    text = f.read()
count = 0
db.transaction_start()
try:
    for _changetype, msg in db.parse_ldif(text):
        db.add(msg)
        count += 1
except BaseException:
    db.transaction_cancel()
    raise
db.transaction_commit()
print(count)
