"""The program's 12-week skills curriculum as plain data, one module per week.

Seeds the curriculum and drafts the weekly family skill summaries. Family-facing text is
written for a parent reading on a phone: plain words, no scores, no diagnoses.
"""

from dataclasses import dataclass

MODALITIES = ("DBT", "CBT", "ACT", "Mindfulness")


@dataclass(frozen=True)
class SkillModule:
    week: int
    title: str
    modality: str
    teaches: str
    activities: tuple[str, ...]
    home_practice: str
    family_tips: tuple[str, ...]
    conversation_starters: tuple[str, ...]


CURRICULUM = (
    SkillModule(
        week=1,
        title="Wise mind",
        modality="Mindfulness",
        teaches=(
            "We all have an emotion mind (driven by feelings) and a reasonable mind "
            "(driven by facts and logic). Wise mind is where the two overlap: the "
            "calm, inner knowing that helps us choose what to do instead of just "
            "reacting."
        ),
        activities=(
            ("Sorting real-life moments into emotion mind, reasonable mind and wise mind"),
            ("Wise-mind breathing: breathe in asking 'wise mind?', breathe out listening"),
            "Drawing or describing a 'wise mind place' that feels calm and steady",
        ),
        home_practice=(
            "Once a day, before a choice big or small, pause for three breaths and "
            "ask 'what does my wise mind say?'. Jot down one time you noticed it."
        ),
        family_tips=(
            (
                "Name your own states out loud: 'I'm in emotion mind right now, I'll "
                "answer you after dinner.' It shows that pausing is normal."
            ),
            ("When your child is upset, it's fine to wait before solving. Calm comes first, decisions second."),
            "Notice and praise any pause you see, even a short one.",
        ),
        conversation_starters=(
            "What does emotion mind feel like in your body?",
            "When did you hear your wise mind this week?",
            "What helps you get to wise mind when things are loud?",
        ),
    ),
    SkillModule(
        week=2,
        title="Observe and describe",
        modality="Mindfulness",
        teaches=(
            "Observing means noticing what is happening, inside and around us, "
            "without trying to change it. Describing means putting words to just the "
            "facts, without judging. Together they slow things down so feelings "
            "feel less overwhelming."
        ),
        activities=(
            ("Five senses check: five things you see, four you hear, three you can touch"),
            "Mindful eating with one raisin or piece of chocolate",
            ("Turning judgments into descriptions ('she's rude' becomes 'she didn't reply')"),
        ),
        home_practice=(
            "Do one everyday thing mindfully each day (brushing teeth, a walk, a "
            "snack) and describe it in a few plain, non-judging words."
        ),
        family_tips=(
            (
                "Try describing instead of judging at home: 'the room has clothes on "
                "the floor' rather than 'your room is a disaster'."
            ),
            ("Join in a five-senses check in the car or at dinner; it works for adults too."),
            ("Keep it light. Mindfulness is a skill that grows with practice, not a test."),
        ),
        conversation_starters=(
            "What's something you noticed today that you usually miss?",
            "Can you describe your day in just the facts, like a news reporter?",
        ),
    ),
    SkillModule(
        week=3,
        title="Getting through a crisis: STOP and TIPP",
        modality="DBT",
        teaches=(
            "STOP (Stop, Take a step back, Observe, Proceed mindfully) helps when "
            "you are about to act on an urge you might regret. TIPP (Temperature, "
            "Intense exercise, Paced breathing, Paired muscle relaxation) calms the "
            "body fast when emotions are too high to think clearly."
        ),
        activities=(
            "Acting out STOP with everyday scenarios, like an upsetting text",
            "Trying paced breathing: breathing out longer than breathing in",
            ("Paired muscle relaxation: tense while breathing in, let go while breathing out"),
            "Building a personal crisis-skills card to keep in a phone case or wallet",
        ),
        home_practice=(
            "Practice paced breathing for two minutes each day while calm, so it "
            "works when you are not. Try STOP at least once and note what happened. "
            "Before using cold water on your face, check with the care team if you "
            "have any heart or other medical condition."
        ),
        family_tips=(
            ("Help set up a calm-down kit: a cold pack in the freezer, a playlist, a card with their TIPP steps."),
            ("In a hard moment, use few words: 'Want to try the cold water?' works better than a lecture."),
            "Practice paced breathing together when things are calm.",
            (
                "These skills are for getting through a hard moment, not a "
                "replacement for help. If you are ever worried about your child's "
                "safety, call or text 988, or call 911."
            ),
        ),
        conversation_starters=(
            "Which TIPP skill do you think would work best for you?",
            ("What's a good signal you could give me when you need space to use your skills?"),
        ),
    ),
    SkillModule(
        week=4,
        title="Self-soothe and radical acceptance",
        modality="DBT",
        teaches=(
            "Self-soothing uses the five senses to comfort yourself kindly when you "
            "are hurting. Radical acceptance means fully accepting what you cannot "
            "change right now, not approving of it, so that pain does not turn into "
            "even more suffering."
        ),
        activities=(
            "Making a self-soothe kit with something for each sense",
            "Telling apart what we can and can't change in real situations",
            "Practicing 'turning the mind' back toward acceptance when it drifts",
        ),
        home_practice=(
            "Use one self-soothe item from your kit each day. Pick one small thing "
            "you can't change (the weather, a cancelled plan) and practice saying "
            "'it is what it is, and I can cope with it'."
        ),
        family_tips=(
            ("Help gather self-soothe items: a soft blanket, a favorite scent, a snack, calming music."),
            ("Model acceptance of small frustrations: 'Traffic is bad. It is what it is.'"),
            ("Acceptance is not giving up. You can accept a hard situation and still work to make things better."),
        ),
        conversation_starters=(
            "What's in your self-soothe kit, and which sense helps you most?",
            "Is there something you're fighting that might be easier to accept?",
            "How can I help you feel comforted when you're having a hard time?",
        ),
    ),
    SkillModule(
        week=5,
        title="Check the facts and opposite action",
        modality="DBT",
        teaches=(
            "Check the facts asks whether an emotion, and how strong it is, fits "
            "what is really happening. When it doesn't fit, or acting on it would "
            "make things worse, opposite action means doing the opposite of what the "
            "emotion urges, which slowly changes the feeling itself."
        ),
        activities=(
            "Emotion detective: matching emotions to what they urge us to do",
            "Checking the facts on a worry, step by step",
            "Choosing and rehearsing an opposite action (joining in instead of hiding)",
        ),
        home_practice=(
            "When a strong feeling shows up, write the facts, your interpretation "
            "and whether the feeling fits. Try one opposite action this week and "
            "notice what happens to the feeling."
        ),
        family_tips=(
            ("Ask 'what are the facts?' gently and with curiosity, not to prove a point."),
            ("Cheer on opposite action: going to practice when they want to stay in bed is hard and brave."),
            (
                "Feelings are always understandable, even when they don't fit the "
                "facts. Say so before you problem-solve."
            ),
        ),
        conversation_starters=(
            "What's an emotion that felt bigger than the situation this week?",
            "What would opposite action look like for that feeling?",
        ),
    ),
    SkillModule(
        week=6,
        title="Taking care of your body and building positive experiences",
        modality="DBT",
        teaches=(
            "PLEASE (treat PhysicaL illness, balanced Eating, avoid mood-Altering "
            "substances, balanced Sleep, Exercise) makes us less vulnerable to big "
            "emotions. Building positive experiences, both small pleasant moments "
            "each day and steps toward longer-term goals, gives emotions a sturdier "
            "base."
        ),
        activities=(
            "Rating my own PLEASE skills and picking one to improve",
            "Building a list of pleasant activities that are free and doable",
            "Planning one small, realistic goal for the week",
        ),
        home_practice=(
            "Pick one PLEASE skill to work on (for example the same bedtime every "
            "night) and do one pleasant activity each day, staying present while you "
            "do it."
        ),
        family_tips=(
            ("Support routines: regular meals, a steady bedtime, screens charging outside the bedroom at night."),
            "Plan one enjoyable thing together this week, even just 20 minutes.",
            "Notice effort, not results: 'I saw you went for a walk today.'",
        ),
        conversation_starters=(
            "Which PLEASE skill is hardest for you right now?",
            "What's something small that made you smile this week?",
            "Is there something fun you'd like us to do together this weekend?",
        ),
    ),
    SkillModule(
        week=7,
        title="Thinking traps and thought records",
        modality="CBT",
        teaches=(
            "Our thoughts, feelings and actions affect each other. Thinking traps, "
            "like all-or-nothing thinking, mind reading or catastrophizing, are "
            "common patterns that make things feel worse than they are. A thought "
            "record helps catch a thought, weigh the evidence and find a more "
            "balanced one."
        ),
        activities=(
            "Thinking-trap bingo with everyday examples",
            "Filling in a thought record together on a made-up situation",
            "Role play: what would you say to a friend who had this thought?",
        ),
        home_practice=(
            "Complete one thought record on a day that felt hard: the situation, the "
            "thought, the feeling, the evidence for and against, and a balanced "
            "thought."
        ),
        family_tips=(
            (
                "Share a thinking trap of your own ('I just catastrophized about the "
                "car noise'). It makes it safe to talk about."
            ),
            ("Ask questions rather than arguing: 'What would you tell a friend who thought that?'"),
            ("Don't rush to 'think positive'. The goal is balanced, believable thoughts."),
        ),
        conversation_starters=(
            "Which thinking trap do you fall into most?",
            "Did you catch a thinking trap this week? What did you do with it?",
        ),
    ),
    SkillModule(
        week=8,
        title="Behavioral activation: doing to feel better",
        modality="CBT",
        teaches=(
            "When mood is low we tend to do less, which makes mood lower still. "
            "Behavioral activation breaks that cycle by planning small, doable "
            "activities that bring enjoyment or a sense of achievement, and doing "
            "them before the motivation arrives."
        ),
        activities=(
            "Drawing the 'do less, feel worse' cycle and how to reverse it",
            "Tracking activity and mood to spot what lifts us",
            "Scheduling three small activities for the coming week",
        ),
        home_practice=(
            "Do the three activities you scheduled, even if you don't feel like it, "
            "and rate your mood before and after each one."
        ),
        family_tips=(
            (
                "Offer to join, or to drive: 'Want to walk the dog with me?' is "
                "easier to say yes to than 'you should go outside'."
            ),
            "Keep steps small. Showering and getting dressed by noon counts.",
            "Praise doing it, not how they felt while doing it.",
        ),
        conversation_starters=(
            "What's one thing you did this week even though you didn't feel like it?",
            "Which activities give you even a little lift?",
            "How can I make it easier to get started?",
        ),
    ),
    SkillModule(
        week=9,
        title="Asking for what you need: DEAR MAN and FAST",
        modality="DBT",
        teaches=(
            "DEAR MAN (Describe, Express, Assert, Reinforce, stay Mindful, Appear "
            "confident, Negotiate) is a clear way to ask for something or say no. "
            "FAST (be Fair, no unneeded Apologies, Stick to your values, be "
            "Truthful) helps keep your self-respect while you do it."
        ),
        activities=(
            ("Writing a DEAR MAN script for a real request (a later curfew, help from a teacher)"),
            "Role plays in pairs with feedback from the group",
            "Practicing the 'broken record' to stay on topic",
        ),
        home_practice=(
            "Use DEAR MAN at least once this week, at home, school or with a friend, "
            "and write down how it went and what you would change."
        ),
        family_tips=(
            ("If your child uses DEAR MAN with you, notice it and thank them, even if the answer is still no."),
            ("You can negotiate on some things and not others; saying which is which helps."),
            "Model FAST yourself: honest, fair and without over-apologizing.",
        ),
        conversation_starters=(
            "Is there something you'd like to ask me for using DEAR MAN?",
            "When is it hardest for you to say no to someone?",
        ),
    ),
    SkillModule(
        week=10,
        title="Keeping relationships strong: GIVE and validation",
        modality="DBT",
        teaches=(
            "GIVE (be Gentle, act Interested, Validate, use an Easy manner) helps "
            "keep relationships healthy, especially in hard conversations. "
            "Validation means letting someone know their feelings make sense, even "
            "when you don't agree with what they did."
        ),
        activities=(
            "Spotting validating and invalidating replies in short scenes",
            ("Practicing the levels of validation, from paying attention to naming feelings"),
            "Family group: parents and teens practice validating each other",
        ),
        home_practice=(
            "Validate one person each day by showing you're listening and naming "
            "what they might feel. Notice how the conversation changes."
        ),
        family_tips=(
            ("Validate first, then problem-solve: 'That sounds really frustrating' before 'here's what you could do'."),
            ("Validating is not agreeing or giving in. You can understand a feeling and still hold a limit."),
            ("Put the phone down and look up when your child talks; attention is validation too."),
            "Validate yourself as well. Parenting through a hard season is tiring.",
        ),
        conversation_starters=(
            "What's something I do that helps you feel understood?",
            "Is there a time I missed how you felt? I'd like to hear about it.",
            "Who in your life is good at GIVE?",
        ),
    ),
    SkillModule(
        week=11,
        title="Facing fears step by step: getting back to school",
        modality="CBT",
        teaches=(
            "Avoiding something scary brings quick relief but makes the fear grow. "
            "Graded exposure means facing the fear in small steps, from easiest to "
            "hardest, staying until the worry eases, so that school and other hard "
            "places become manageable again."
        ),
        activities=(
            ("Building a personal fear ladder, for example from driving past school to a full day"),
            "Rating worry from 0 to 10 before, during and after a practice step",
            "Planning coping skills and a check-in person for each step",
        ),
        home_practice=(
            "Take the next step on your ladder at least three times this week and "
            "rate your worry each time. Stay with each step until the worry comes "
            "down."
        ),
        family_tips=(
            "Stay warm and firm: 'I know this is scary, and I know you can do it.'",
            ("Keep mornings predictable: the same routine, calm voices, plans made the night before."),
            (
                "Work with the school and the care team on a gradual return plan, "
                "and agree on who your child can go to when things get hard."
            ),
            ("Praise each step taken, however small, and resist undoing it by allowing a skip the next day."),
        ),
        conversation_starters=(
            "What's the next step on your ladder, and what will help you do it?",
            "Which step felt easier than you expected?",
        ),
    ),
    SkillModule(
        week=12,
        title="Values and the road ahead",
        modality="ACT",
        teaches=(
            "Values are what matters most to us, like friendship, learning or "
            "kindness. Acting on values, even alongside hard feelings, builds a life "
            "worth living. This week also brings the skills together into a "
            "personal plan for staying on track after the program."
        ),
        activities=(
            "Values card sort: choosing the values that matter most",
            "Setting one small committed action for each top value",
            ("Writing a personal plan: early warning signs, go-to skills and people to reach"),
        ),
        home_practice=(
            "Take one small action each day toward a value you chose, and share your "
            "plan for staying on track with a trusted adult."
        ),
        family_tips=(
            ("Ask about your child's values and share your own; this is a conversation, not a lesson."),
            (
                "Keep the skills alive at home: put the skills cards somewhere "
                "visible and keep using the words you've learned."
            ),
            ("Know the plan: which signs to watch for, which skills help, and who to call."),
        ),
        conversation_starters=(
            "What matters most to you right now?",
            "Which skill from the program do you want to keep using?",
            "How can I help you stick to your plan?",
        ),
    ),
)
