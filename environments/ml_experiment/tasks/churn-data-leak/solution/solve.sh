# a validation accuracy near 1.0 for churn is suspicious: look for features that give the
# label away
python3 train.py
python3 - <<'PY'
import csv
rows = list(csv.DictReader(open("data/customers.csv")))
for label in ("0", "1"):
    group = [r for r in rows if r["churned"] == label]
    days = sorted(int(r["days_since_last_login"]) for r in group)
    offers = sum(r["retention_offer"] == "1" for r in group) / len(group)
    print(f"churned={label}: median days since login {days[len(days) // 2]}, "
          f"min {days[0]}, offer rate {offers:.2f}")
PY

# both leak the outcome: days_since_last_login is counted to the export day, three months after
# the snapshot, so everyone who left has a long gap; retention offers go to customers who
# already asked to cancel. On the snapshot day neither carries that information: drop both
python3 - <<'PY'
import re
source = open("train.py").read()
source = re.sub(r'NUMERIC = \[[^\]]*\]',
                'NUMERIC = ["tenure_months", "monthly_charges", "support_tickets", "late_payments"]',
                source)
open("train.py", "w").write(source)
PY
grep -n "^NUMERIC" train.py

# an honest validation accuracy now
python3 train.py
