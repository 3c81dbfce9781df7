import time, sys
from pathlib import Path
from autograder.assignment import load_assignment
from autograder.judge.runner import grade_submission
from autograder.judge.reference import ReferenceModule
from autograder.checks.mistakes import splice
from autograder.submission import load_submission_bytes
from autograder.sandbox.session import ForkServer
a = load_assignment(sys.argv[1])
ref = ReferenceModule(a)
src = a.reference_path.read_text()
with ForkServer() as fs:
    for m in ref.catalogue.mistakes:
        t=time.time()
        sub = load_submission_bytes(a.module + ".py", splice(src, m).encode())
        r = grade_submission(a, submission=sub, server=fs, only={m.replaces})
        hinted = any(m.hint in t["output"] for t in r["tests"])
        print(f"{m.id:32} {r['score']:5g}/{r['extra_data']['max_score']:<4g} hint={hinted} {time.time()-t:.1f}s")
