"""Learn the English dense-match threshold (abstention.ENGLISH_DENSE_MIN) on the tuning sets by leave-one-out.

English questions whose words the glossary does not map are answered only on a multilingual-USE match. The glossary
is switched off here so every tuning question is such a question; a wrong answer costs 2, a correct one earns 1.
    .venv/bin/python bench/english_threshold.py instance/kb tests/data/dev.jsonl tests/data/check.jsonl
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from knowledge.kb import KnowledgeBase
from knowledge.normalize import SynonymTable
from knowledge.evaluation import load_questions
from knowledge.abstention import gather, classify, unanswerable_aspect
kb=KnowledgeBase.open('sys.argv[1]')
kb.analyzer.synonyms=SynonymTable(())
rows=[]
for f in sys.argv[2:]:
    for q in load_questions(f):
        if q.language!='en': continue
        a,prev,hits,rk=kb._search(q.question,5,q.context)
        if classify(a.text) or unanswerable_aspect(a.text): continue
        ev=gather(kb,a,hits,rk,prev)
        ok=not q.must_abstain and any(g in hits[0].passage.text for g in q.gold)
        rows.append((ev.dense, ok, q.must_abstain))
print(len(rows))
# value: +1 correct answer, -2 wrong answer (wrong costs more than abstaining), 0 abstain
def value(t, rs): return sum((1 if ok else -2) for d,ok,m in rs if d>=t)
cands=sorted({round(d,3) for d,_,_ in rows})
best=max(cands,key=lambda t:value(t,rows))
# leave-one-out: threshold learnt without each item, applied to it
loo=0
for i,r in enumerate(rows):
    rest=rows[:i]+rows[i+1:]
    t=max(cands,key=lambda t:value(t,rest))
    loo+= (1 if r[1] else -2) if r[0]>=t else 0
print('best',best,'value',value(best,rows),'loo value',loo,'at .20',value(0.20,rows))
