"""What each rule means, in plain words, for the report's readers."""

from __future__ import annotations

#: Why a flag from each rule matters, for a runner or coach without the
#: sources at hand. The numbers and studies are those of the rules' docstrings.
WHY = {
    "RL001": "Weekly distance rose faster than the usual 10 % guideline. Heart and lungs adapt to more running "
             "within weeks; bones, tendons and the muscles that steady the spine take longer, so a big jump can "
             "outrun them. The 10 % figure is a rule of thumb and studies of it disagree; a rise back to a level "
             "held in the last month (a rebound) matters less than a new high.",
    "RL002": "Much of the week went uphill. Climbing tilts the body forward and works the hip flexors and the "
             "lower back harder than flat running. A sudden hilly week, or 20 m of climbing per km or more, "
             "puts load where the body may not be ready for it. No injury study sets the number; it is the "
             "usual meaning of 'hilly'.",
    "RL003": "No day off in the week, or a long streak of days with a run. Tissue repairs between sessions; "
             "without a break small strains add up. Common coaching advice, not a measured limit.",
    "RL004": "One run was much longer than any in the previous 30 days. In a study of more than 5,000 runners "
             "with GPS watches (Frandsen et al. 2025), a run more than 10 % longer than the recent longest "
             "came with more injuries, and the risk grew with the size of the jump. This is the "
             "best-supported rule riskload has.",
    "RL005": "Minutes at a high heart rate went up sharply on the week before. Fast running loads the back and "
             "legs harder with every step, and intensity, like distance, is best raised a little at a time.",
    "RL006": "More steep downhill running than usual. Every downhill step brakes, stretching muscles while they "
             "work; it causes the most soreness and damage in legs that are not used to it, and it tips the "
             "pelvis forward and arches the lower back.",
    "RL007": "Coming back from two weeks or more without running at a large share of the old distance. After a "
             "break tendons and bones have lost some tolerance even when the running feels easy, so returning "
             "straight to the old load is a common way to get hurt.",
    "RL008": "Weekly distance above the athlete's cap, week after week. Older reviews linked more than about "
             "64 km a week with more injuries; the link is weak and the right cap differs between runners, so "
             "set your own (weekly_cap_km in riskload.toml).",
    "RL009": "Two hard sessions (a long run, or a lot of time at a high heart rate) less than 36 hours apart. "
             "Hard days need easier days between them for the body to absorb the work.",
    "RL010": "Runs that began at full effort. A few easier minutes first warm the muscles and loosen the hips "
             "and lower back before they take the full load.",
    "RL011": "Fewer than two strength sessions in the week. Strength work for the trunk and hips helps the lower "
             "back cope with running, and reviews of strength training find fewer sports injuries overall.",
    "RL012": "A pair of shoes has passed 700 km. Cushioning wears with use. The usual 500-800 km replacement "
             "advice has no injury study behind it: take this as a reminder to look at the shoes.",
    "RL013": "Steps per minute dropped below the athlete's usual at a similar pace: longer strides, often "
             "landing further in front of the body. Longer strides load the knees and hips more (Heiderscheit "
             "et al. 2011), and a drop is often a sign of tiredness.",
    "RL014": "The last week's load is well above the average of the last four. This acute:chronic ratio is "
             "popular in team sports but disputed, and a large study of runners found no harmful threshold, so "
             "riskload shows it for information only.",
    "RL015": "Every day of the week looked alike, with few easy or rest days. Foster linked such monotonous "
             "training with overtraining and illness rather than injury; alternating hard and easy days leaves "
             "room to recover.",
}

#: What the evidence levels mean.
EVIDENCE = {
    "strong": "a large prospective study of runners found the link",
    "weak": "studies found a link, with wide uncertainty",
    "contested": "studies disagree about the link",
    "heuristic": "common advice, not tested in an injury study",
}

#: What activity files cannot show, and what riskload therefore never judges.
NOT_MEASURED = ("core strength and muscle balance, posture, the hardness of the running surface, body weight, "
                "age, stress, sleep, and how long you sit")

DOES_NOT_DIAGNOSE = (
    "riskload reads training data; it does not diagnose. A flag is a reason to look at the training, not a "
    "verdict, and a quiet report does not mean all is well. Back pain that comes with numbness or tingling, "
    "weakness in a leg, pain spreading into the feet, or changes in bladder or bowel control needs a doctor, "
    "not a chart - see one promptly."
)
