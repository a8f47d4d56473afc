"""Write the grammar development and held-out sets (tests/data/grammar_dev.tsv, grammar_heldout.tsv).

    python benchmarks/make_grammar_set.py

Every sentence is written here: frames with slots, filled from two disjoint vocabularies (one for
the development part, one for the held-out part), plus hand-written look-alikes that must stay
silent. Each line of a TSV is ``label<TAB>shape<TAB>sentence``; ``label`` is ``err`` (the error
is marked ``[[...]]``) or ``ok``. The output is deterministic.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------- vocabularies (dev | held-out)
VOCAB = {
    "dev": dict(
        subj=["The minister", "Our team", "The company", "My sister", "The mayor", "The driver", "He", "She", "They", "We"],
        # (base, past, participle, object)
        verbs=[("take", "took", "taken", "the train"), ("write", "wrote", "written", "the report"),
               ("go", "went", "gone", "to the market"), ("give", "gave", "given", "a speech"),
               ("choose", "chose", "chosen", "a new leader"), ("speak", "spoke", "spoken", "to the press"),
               ("announce", "announced", "announced", "the plan"), ("sign", "signed", "signed", "the deal"),
               ("drive", "drove", "driven", "the truck"), ("begin", "began", "begun", "the talks")],
        thirds=[("improve", "improves", "the draft"), ("approve", "approves", "the budget"),
                ("explain", "explains", "the rules"), ("accept", "accepts", "the offer")],
        modals=["will", "can", "should", "must", "could", "would", "did not", "does not", "cannot"],
        plurals=[("problem", "problems"), ("reason", "reasons"), ("question", "questions"), ("project", "projects"),
                 ("student", "students"), ("member", "members"), ("result", "results"), ("rule", "rules")],
        mass=["information", "advice", "equipment", "knowledge"],
        comps=[("big", "bigger", "biggest"), ("bad", "worse", "worst"), ("large", "larger", "largest"),
               ("cheap", "cheaper", "cheapest"), ("strong", "stronger", "strongest")],
        heads=[("results", "survey"), ("prices", "oil"), ("members", "committee"), ("effects", "drug"),
               ("costs", "project"), ("walls", "building")],
        places=["in the city", "at the school", "on the farm", "in the region"],
        sg_heads=[("quality", "products"), ("price", "tickets"), ("size", "rooms"), ("list", "names"), ("cost", "repairs")],
        pron_verbs=[("go", "goes", "to work"), ("like", "likes", "the idea"), ("want", "wants", "more time"),
                    ("know", "knows", "the answer")],
        times=["Every day", "Last year", "In the end", "Now"],
    ),
    "heldout": dict(
        subj=["The judge", "Their coach", "The bank", "Your brother", "The governor", "The pilot", "I", "You", "The board", "The council"],
        verbs=[("eat", "ate", "eaten", "lunch"), ("break", "broke", "broken", "the record"),
               ("steal", "stole", "stolen", "the car"), ("throw", "threw", "thrown", "the ball"),
               ("forget", "forgot", "forgotten", "the date"), ("grow", "grew", "grown", "the business"),
               ("publish", "published", "published", "the study"), ("reject", "rejected", "rejected", "the proposal"),
               ("fly", "flew", "flown", "to Paris"), ("ride", "rode", "ridden", "the horse")],
        thirds=[("change", "changes", "the law"), ("protect", "protects", "the workers"),
                ("describe", "describes", "the method"), ("support", "supports", "the idea")],
        modals=["would", "may", "might", "shall", "will not", "did", "didn't", "doesn't", "could not"],
        plurals=[("idea", "ideas"), ("child", "children"), ("worker", "workers"), ("country", "countries"),
                 ("issue", "issues"), ("event", "events"), ("village", "villages"), ("company", "companies")],
        mass=["furniture", "evidence", "software", "feedback"],
        comps=[("small", "smaller", "smallest"), ("good", "better", "best"), ("high", "higher", "highest"),
               ("easy", "easier", "easiest"), ("fast", "faster", "fastest")],
        heads=[("names", "victims"), ("goals", "plan"), ("findings", "report"), ("rights", "citizen"),
               ("profits", "firm"), ("roofs", "houses")],
        places=["near the river", "in the north", "at the border", "in the capital"],
        sg_heads=[("value", "shares"), ("colour", "walls"), ("level", "rivers"), ("history", "cities"), ("owner", "shops")],
        pron_verbs=[("live", "lives", "near the sea"), ("need", "needs", "help"), ("play", "plays", "chess"),
                    ("think", "thinks", "so")],
        times=["Often", "Sometimes", "This week", "Today"],
    ),
}

# ----------------------------------------------------------------- hand-written look-alikes
LOOKALIKES = {
    "dev": """
He had had enough of the delays.
She said that that was the end of it.
What it is is a mess.
Will will chair the meeting tomorrow.
May may join us after lunch.
The patients were split into groups A and B.
See step 3.a above for the details.
Type A is rarer than type B.
The plan has three parts: (a) an audit, (b) a review and (c) a vote.
His will gave everything to charity.
The can made of steel rusted in the rain.
What he did was wrong.
All he did was complain about the food.
All we can do is wait for the results.
This results in long delays for everyone.
This means the talks will go on.
This news came as a shock to the town.
This series ended last year.
These software tools are free to use.
This sales team works hard.
There is news from the front.
There is sales tax to pay on it.
There is a lot of work to do.
There are many reasons to doubt it.
There was many a time when he doubted it.
A means to an end is not enough.
It was a series of talks about the budget.
She made a sales pitch to the board.
A lot of people came to the meeting.
A few of them stayed until the end.
Each says the other is to blame.
Another thinks the plan will fail.
Much remains to be done before the vote.
Much needs to change in the schools.
Many fish died in the heat.
Many sheep were lost in the storm.
Many information systems failed at once.
More older workers are staying on.
Most lower courts agreed with the ruling.
We will say more later.
It is the most interesting city in the region.
Among the causes of the fire was a faulty wire.
One of the results of the survey is surprising.
The series of talks is over.
The news of his death was sad.
The details of what he said are unclear.
It would of course be late.
The will of the people must be respected.
The might of the army was on show.
They had fell trees for years on the hill.
We had saw blades and rose bushes in the shed.
The garden was rose and gold in the evening.
We will likely see rain tomorrow.
Prices could rise again next year.
They do damaged goods no favours.
He did wonders for the club.
The results of the survey are clear.
The prices of oil and gas have risen.
The minister did not go to the meeting.
She has become a judge.
They have made their choice.
The letter was written by hand.
The photo was taken in May.
Free will can be an illusion.
The soda can will be recycled.
He may be able to come.
Although the talks failed, both sides stayed calm.
The number of housing units rose.
The new plan is better than the old one.
There's lots to do this week.
They walked on and on, very very slowly.
Grade A students won the prize.
Option A is cheaper than option B.
The headquarters of the bank is in Frankfurt.
The United States of America is a large country.
The Pirates of the Caribbean is a film.
Those present voted for the plan.
Those interested can sign up today.
These kind of remarks do not help.
Each of the members has one vote.
Neither of the results was expected.
The majority of voters are young.
A number of problems remain.
The head of the company and his wife are here.
The team of experts are divided on it.
The price of the ticket is fair.
The people of the villages are poor.
The bulk of the costs was paid by the state.
He has an MBA and a B-grade.
An honest man ate an egg.
It was a one-off event.
She and he are old friends.
Does he have the keys?
They insisted that he go home.
Let it be.
He need not worry.
If it were true, we would know.
He put the book down.
They took to the streets.
Two hundred people came to the meeting.
One of the family was ill.
""",
    "heldout": """
I assure you you will not regret it.
The rest of the money is in the bank.
Duran Duran played in Walla Walla.
Bill bills his clients every month.
Rose rose early that day.
The children were split into teams C and D.
See item 2.b and option a below.
Plan B is to wait and see.
Her list had three points: (a) costs, (b) time and (c) staff.
The company will need a new chief.
A living will states his wishes.
What they did went viral.
All I want is to go home.
The only thing to do is wait.
This works well in practice.
This includes all staff members.
This physics course is hard.
This species lives in the north.
These data show a clear trend.
These arms deals were secret.
There is physics in it too.
There was politics in every word.
There is savings account interest to declare.
A thanks goes to all the helpers.
A headquarters was built in the south.
It was a whereabouts unknown to all.
Each hopes for a better deal.
Another says the deal is off.
Much depends on the weather.
Much changes when the rain comes.
Many deer crossed the road.
Many aircraft were grounded.
Many software companies moved to the city.
More younger voters turned out.
Most larger firms pay on time.
There will be more later.
She gave us more details later.
It is the most beautiful place on earth.
Behind the walls of the castle is a garden.
Each of the costs of the project is listed.
The means of transport is the train.
The physics of the problem is simple.
The names of those who died are on the wall.
Could you of all people help?
The may of the garden was in bloom.
It could rather be a mistake.
She must admit it was fun.
He would rather stay home.
They did nothing wrong.
The drivers of the trucks were tired.
The costs of the war were high.
The mayor did not sign the deal.
He has gone to the market.
They have chosen a new leader.
The report was written in May.
The ball was thrown over the wall.
I did my best and you did yours.
Although it rained, the game went on.
The plan is better than ever.
There are several attempts on record.
She won the race, and he came second.
The sale of cars and trucks is falling.
My grandmother's will states that the house goes to me.
He had hid the keys under the mat, she thought.
The results of tests done by the lab are ready.
Studies of children in poor areas show the same.
Their efforts in the first year were praised.
A few weeks later the deal was signed.
A couple of days ago it rained.
Every once in a while he calls.
Every other week they meet.
Another two weeks passed.
Much more needs to be done.
Many more people came this year.
There is a number of reasons for this.
There is no reason to doubt it.
The number of students is rising.
The rest of the seats were empty.
The owner of the shop and her son were there.
The value of the shares is falling.
The sheep of the farms were sold.
A dozen eggs cost five dollars.
He is a physics teacher.
It was a good news day for the team.
They visited a glass works on the coast.
You or we will decide.
Did she want more time?
We asked that she be told.
Make it work.
She dare not speak.
As it were, the plan failed.
She read the letter twice.
It came to light in May.
Ten percent of the votes were lost.
It is a two year old horse.
""",
}


def gen(part: str, seed: int) -> list[tuple[str, str, str]]:
    v = VOCAB[part]
    rnd = random.Random(seed)
    rows: list[tuple[str, str, str]] = []

    def pair(shape: str, bad: str, good: str) -> None:
        rows.append(("err", shape, bad))
        rows.append(("ok", shape, good))

    # modal/do + past form, + participle, + third person, + has
    for (subj, modal), (base, past, part_, obj) in zip(
            itertools.product(v["subj"], v["modals"]), itertools.cycle(v["verbs"])):
        if rnd.random() < 0.45:
            continue
        if subj in ("They", "We", "I", "You"):  # "does" agrees with a singular subject only
            modal = {"does not": "do not", "doesn't": "don't"}.get(modal, modal)
        form = past if rnd.random() < 0.7 else part_
        if form == base:
            continue
        pair("modal-form", f"{subj} [[{modal} {form}]] {obj}.", f"{subj} {modal} {base} {obj}.")
        rows.append(("ok", "modal-form", f"{subj} {past} {obj} {rnd.choice(v['places'])}."))
    for subj, (base, third, obj) in zip(v["subj"], itertools.cycle(v["thirds"])):
        modal = rnd.choice(v["modals"])
        if subj in ("They", "We", "I", "You"):
            modal = {"does not": "do not", "doesn't": "don't"}.get(modal, modal)
        pair("modal-form", f"{subj} [[{modal} {third}]] {obj}.", f"{subj} {modal} {base} {obj}.")
    for subj in v["subj"][:6]:
        pair("modal-form", f"{subj} [[does not has]] the papers.", f"{subj} does not have the papers.")
    # have + simple past
    for subj, (base, past, part_, obj) in zip(v["subj"] * 2, itertools.cycle(v["verbs"])):
        if past == part_:
            continue
        aux = rnd.choice(["has", "had", "have"])
        if aux != "had":  # agree with the subject
            aux = "have" if subj in ("They", "We", "I", "You") else "has"
        pair("have-form", f"{subj} [[{aux} {past}]] {obj}.", f"{subj} {aux} {part_} {obj}.")
    # be + simple past
    for (base, past, part_, obj) in v["verbs"]:
        if past == part_:
            continue
        aux = rnd.choice(["was", "has been", "is", "were", "had been"])
        pair("be-form", f"The job [[{aux} {past}]] by the team {rnd.choice(v['places'])}.",
             f"The job {aux} {part_} by the team {rnd.choice(v['places'])}.")
    # modal of
    for subj, (base, past, part_, obj) in zip(v["subj"], itertools.cycle(v["verbs"])):
        modal = rnd.choice(["should", "could", "would", "must", "might"])
        pair("modal-of", f"{subj} [[{modal} of]] {part_} {obj}.", f"{subj} {modal} have {part_} {obj}.")
    # double comparative / superlative
    for (pos, comp, sup), place in itertools.product(v["comps"], v["places"][:2]):
        pair("comparative", f"The new one is [[more {comp}]] than the old one {place}.",
             f"The new one is {comp} than the old one {place}.")
        pair("comparative", f"It is the [[most {sup}]] one {place}.", f"It is the {sup} one {place}.")
    # there is + plural
    for (sg, pl), place in zip(v["plurals"], itertools.cycle(v["places"])):
        verb = rnd.choice(["There is", "There was", "There's"])
        good = {"There is": "There are", "There was": "There were", "There's": "There are"}[verb]
        pair("there-is", f"[[{verb} {pl}]] {place}.", f"{good} {pl} {place}.")
        q = rnd.choice(["many", "several", "various"])
        pair("there-is", f"[[{verb} {q}]] {pl} {place}.", f"{good} {q} {pl} {place}.")
    # this/these
    for (sg, pl), place in zip(v["plurals"], itertools.cycle(v["places"])):
        pair("this-these", f"We saw [[this {pl}]] {place}.", f"We saw these {pl} {place}.")
        pair("this-these", f"We saw [[these {sg}]] {place}.", f"We saw this {sg} {place}.")
    # a / each / every + plural
    for (sg, pl), place in zip(v["plurals"], itertools.cycle(v["places"])):
        det = rnd.choice(["a", "each", "every"])
        det_good = "an" if det == "a" and sg[0] in "aeiou" else det
        pair("a-plural", f"They checked [[{det} {pl}]] {place}.", f"They checked {det_good} {sg} {place}.")
    # much/many
    for (sg, pl), place in zip(v["plurals"], itertools.cycle(v["places"])):
        pair("much-many", f"There were [[much {pl}]] {place}.", f"There were many {pl} {place}.")
    for m, place in zip(v["mass"], itertools.cycle(v["places"])):
        pair("much-many", f"They gave us [[many {m}]] {place}.", f"They gave us much {m} {place}.")
    # subject + PP + verb
    for (head, pp), verb in itertools.product(v["heads"], ["is", "was", "has been"]):
        good = {"is": "are", "was": "were", "has been": "have been"}[verb]
        first = verb.split()[0]
        rest = verb[len(first):]
        pair("subject-verb", f"The [[{head} of the {pp} {first}]]{rest} a concern.", f"The {head} of the {pp} {good} a concern.")
    for (head, pp), verb in itertools.product(v["sg_heads"], ["are", "were"]):
        good = {"are": "is", "were": "was"}[verb]
        pair("subject-verb", f"The [[{head} of the {pp} {verb}]] a concern.", f"The {head} of the {pp} {good} a concern.")
    # pronoun + verb
    for (base, third, obj), time_ in zip(v["pron_verbs"], itertools.cycle(v["times"])):
        pair("pronoun-verb", f"{time_} [[she {base}]] {obj}.", f"{time_} she {third} {obj}.")
        pair("pronoun-verb", f"{time_} [[they {third}]] {obj}.", f"{time_} they {base} {obj}.")
    for pron, bad_v, good_v in (("they", "was", "were"), ("we", "was", "were"), ("he", "have", "has"),
                                ("she", "are", "is"), ("they", "has", "have"), ("it", "are", "is")):
        pair("pronoun-verb", f"{rnd.choice(v['times'])} [[{pron} {bad_v}]] there.", f"{rnd.choice(v['times'])} {pron} {good_v} there.")
    # plural quantifier + singular
    for (sg, pl), place in zip(v["plurals"], itertools.cycle(v["places"])):
        q = rnd.choice(["many", "several", "two", "three", "both", "various"])
        pair("quantifier", f"They found [[{q} {sg}]] {place}.", f"They found {q} {pl} {place}.")
    for (sg, pl), place in zip(v["plurals"][:4], itertools.cycle(v["places"])):
        pair("quantifier", f"It is [[one of the biggest {sg}]] {place}.", f"It is one of the biggest {pl} {place}.")
    # to + past
    for subj, (base, past, part_, obj) in zip(v["subj"], v["verbs"]):
        if past.endswith("ed"):
            continue
        pair("to-past", f"{subj} wanted [[to {past}]] {obj}.", f"{subj} wanted to {base} {obj}.")
    # doubled words / labels
    frames = {"dev": ["It was [[the the]] best day.", "She wants [[to to]] leave.", "He lives [[in in]] Rome.",
                      "Most [[of of]] them left."],
              "heldout": ["It was [[a a]] good year.", "Salt [[and and]] pepper.", "We sat [[on on]] the bench.",
                          "They said [[it it]] was late."]}[part]
    for f in frames:
        a = f.index("[[")
        w = f[a + 2:f.index(" ", a)]
        pair("doubled", f, f.replace(f"[[{w} {w}]]", w))
    for ok in LOOKALIKES[part].strip().splitlines():
        rows.append(("ok", "look-alike", ok.strip()))
    return rows


def main() -> None:
    for part, name, seed in (("dev", "grammar_dev.tsv", 19), ("heldout", "grammar_heldout.tsv", 91)):
        rows = gen(part, seed)
        seen: set[str] = set()
        out = []
        for label, shape, text in rows:
            if text in seen:
                continue
            seen.add(text)
            out.append(f"{label}\t{shape}\t{text}")
        path = ROOT / "tests" / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# label\tshape\tsentence (written for qa; error span in [[...]])\n" + "\n".join(out) + "\n",
                        encoding="utf-8")
        n_err = sum(1 for r in out if r.startswith("err"))
        print(f"{path.relative_to(ROOT)}: {n_err} error, {len(out) - n_err} correct sentences")


if __name__ == "__main__":
    main()
