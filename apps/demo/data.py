"""The demo content loaded by `manage.py seed_demo`: people, milestones and meetings.

Everything here is fictional — the people, the companies and the meetings — and only hangs off
the real charter's commitments (see `charter-facts.md`). Government bodies appear by name as
organisations. Dates are offsets in days from the demo's day (the day the command last ran,
recorded in `DemoAnchor`; negative = past), except the charter's fixed roadmap deadline of 10 May
2026, so the demo always has overdue, recent and upcoming items. Natural keys: user email,
milestone `external_ref` (DEMO-<GROUP>-NN), meeting (group, title).
"""

from dataclasses import dataclass
from datetime import date

DEMO_PASSWORD = "charterhub-demo"  # noqa: S105 — documented demo password (README, DESIGN.md)
DOMAIN = "charterhub.test"

#: Set by the charter: the working groups settle their project lists and roadmaps by then.
ROADMAP_DUE = date(2026, 5, 10)

BAKU = "Asia/Baku"
NEW_YORK = "America/New_York"

#: Local office hours in both capitals; every demo meeting, start to end, falls inside them on a
#: weekday in Baku and in Washington. Baku is UTC+4 all year and Washington UTC-5 (UTC-4 in
#: summer), so a one-hour meeting at 17:00 in Baku (08:00 or 09:00 in Washington) or at 08:00
#: in Washington (17:00 or 16:00 in Baku) is the overlap.
WORKING_HOURS = (8, 18)

GROUP_SLUGS = ("economy", "energy", "connectivity", "ai-digital", "security")
GROUP_NAMES = {  # English names, for the printed list of demo logins
    "economy": "Economy and Trade",
    "energy": "Energy",
    "connectivity": "Connectivity",
    "ai-digital": "AI and Digital Development",
    "security": "Security and Defense (restricted)",
}

# Organisations used more than once.
MIN_ECONOMY = "Ministry of Economy"
MIN_ENERGY = "Ministry of Energy"
MIN_DIGITAL = "Ministry of Digital Development and Transport"
MIN_FOREIGN = "Ministry of Foreign Affairs"
MIN_DEFENCE = "Ministry of Defence"
CUSTOMS = "State Customs Committee"
US_STATE = "U.S. Department of State"
US_COMMERCE = "U.S. Department of Commerce"
US_ENERGY = "U.S. Department of Energy"


@dataclass(frozen=True)
class Person:
    email: str
    display_name: str
    side: str  # "az", "us" or "other"
    organisation: str
    sector: str = "government"
    language: str = ""  # blank: "az" for the AZ side, "en" otherwise
    time_zone: str = ""  # blank: Asia/Baku for the AZ side, America/New_York for the US side
    staff: bool = False
    digest: str = "weekly"  # progress digest: "daily", "weekly" or "off"

    @property
    def lang(self) -> str:
        return self.language or ("az" if self.side == "az" else "en")

    @property
    def zone(self) -> str:
        return self.time_zone or (BAKU if self.side == "az" else NEW_YORK)


@dataclass(frozen=True)
class MilestoneSpec:
    number: int  # external_ref DEMO-<GROUP>-NN
    title: str
    description: str
    owner: str  # email of a member of the group
    status: str
    progress: int
    due: int | date  # days from today, or a fixed date
    notes: tuple[str, ...]  # the progress log, oldest first (1–4 entries; ≥ 2 when done)
    signed: tuple[str, ...] = ()  # sides whose co-chair has signed off
    completed: int | date | None = None  # done only: days from today (negative) or a date
    updated: int = 0  # days before today of the latest log entry (0: a default per milestone)


@dataclass(frozen=True)
class ActionSpec:
    title: str
    owner: str  # email
    due: int  # days after the meeting
    done: bool = False
    milestone: int | None = None  # number of a milestone of the same group


@dataclass(frozen=True)
class MeetingSpec:
    title: str  # unique within the group (natural key)
    days: int  # from today; negative = already held (a weekend day moves to a weekday)
    hour: int  # local time in `time_zone`: see WORKING_HOURS
    time_zone: str
    agenda: str
    location: str = ""
    link: str = ""
    duration: int = 60
    minutes: str = ""
    adopted: bool = False  # minutes adopted by both co-chairs (else draft)
    apologies: tuple[str, ...] = ()  # emails; every other participant was present
    absent: tuple[str, ...] = ()
    guests: tuple[tuple[str, str], ...] = ()  # (name, organisation)
    decisions: tuple[str, ...] = ()
    actions: tuple[ActionSpec, ...] = ()


@dataclass(frozen=True)
class GroupSpec:
    slug: str
    cochair_az: Person
    cochair_us: Person
    member_az: Person
    member_us: Person
    others: tuple[Person, ...]  # additional members: ministries, agencies, companies
    milestones: tuple[MilestoneSpec, ...]
    meetings: tuple[MeetingSpec, ...]

    @property
    def members(self) -> tuple[Person, ...]:
        """Everyone with the member role (the co-chairs excluded)."""
        return (self.member_az, self.member_us, *self.others)

    @property
    def cast(self) -> tuple[Person, ...]:
        return (self.cochair_az, self.cochair_us, *self.members)

    def ref(self, number: int) -> str:
        return milestone_ref(self.slug, number)


def milestone_ref(slug: str, number: int) -> str:
    return f"DEMO-{slug.upper()}-{number:02d}"


def email(local: str) -> str:
    return f"{local}@{DOMAIN}"


def cochair(slug: str, side: str) -> str:
    return email(f"cochair.{slug}.{side}")


def member(slug: str, side: str) -> str:
    return email(f"member.{slug}.{side}")


def md(*lines: str) -> str:
    return "\n".join(lines) + "\n"


ADMIN = Person(
    email("admin"),
    "CharterHub Administrator",
    "other",
    "CharterHub secretariat",
    time_zone="UTC",
    staff=True,
)
OBSERVER = Person(
    email("observer"),
    "Sophie Laurent",
    "other",
    "South Caucasus Partnership Forum",
    sector="private",
    time_zone="Europe/Brussels",
    digest="daily",
)


def _group(slug: str, people: dict[str, tuple[str, str]], others: tuple[Person, ...], **rest):
    """people: {"cochair_az": (name, organisation), …} for the four documented accounts."""
    accounts = {}
    for key, (name, organisation) in people.items():
        role, side = key.split("_")
        address = cochair(slug, side) if role == "cochair" else member(slug, side)
        accounts[key] = Person(address, name, side, organisation)
    return GroupSpec(slug=slug, others=others, **accounts, **rest)


def _roadmap(slug: str, owner: str, group_name: str, *, completed: date) -> MilestoneSpec:
    """The charter's three-month deadline, met: done and signed by both co-chairs."""
    return MilestoneSpec(
        1,
        f"Agree the {group_name} joint project list and implementation roadmap",
        "Within three months of the charter's signature the working groups settle the list of "
        "joint projects and the roadmaps to implement them.",
        owner,
        "done",
        100,
        ROADMAP_DUE,
        (
            "First draft of the project list circulated to both delegations.",
            "Comments from both sides merged; duplicates removed and owners named for each "
            "project.",
            "Roadmap agreed at working level and sent to the co-chairs for sign-off.",
            "Signed off by both co-chairs.",
        ),
        signed=("az", "us"),
        completed=completed,
    )


# ---------------------------------------------------------------------------------------------
# Economy and Trade
# ---------------------------------------------------------------------------------------------
_ECO = "economy"
_eco_samir = Person(
    email("samir.guliyev"), "Samir Guliyev", "az", "Ganja Agro Export LLC", sector="private"
)
# Daily digests for someone in each capital and the observer: whatever the hour, someone's
# local morning has a digest due (README, "Reminders and digests").
_eco_laura = Person(
    email("laura.kessler"),
    "Laura Kessler",
    "us",
    "Liberty Bridge Capital LP",
    sector="private",
    digest="daily",
)
_eco_nurlan = Person(
    email("nurlan.ahmadov"), "Nurlan Ahmadov", "az", MIN_ECONOMY, language="en", digest="daily"
)

ECONOMY = _group(
    _ECO,
    {
        "cochair_az": ("Elnur Hasanli", MIN_ECONOMY),
        "cochair_us": ("Catherine Doyle", US_COMMERCE),
        "member_az": ("Aynur Mammadova", MIN_ECONOMY),
        "member_us": ("Brian Whitfield", US_STATE),
    },
    (_eco_samir, _eco_laura, _eco_nurlan),
    milestones=(
        _roadmap(_ECO, member(_ECO, "az"), "economy and trade", completed=date(2026, 5, 6)),
        MilestoneSpec(
            2,
            "Publish a joint review of the bilateral investment climate",
            "A short review of the obstacles investors of each country meet in the other, with "
            "recommendations the co-chairs can take to their governments.",
            member(_ECO, "us"),
            "in_progress",
            60,
            30,
            (
                "Terms of reference agreed; interviews with twelve companies scheduled.",
                "Nine interviews done; the private-sector members sent written input.",
                "Draft chapters on licensing and tax administration ready for review.",
            ),
        ),
        MilestoneSpec(
            3,
            "Launch a bilateral business council with private-sector members",
            "Gives companies of both countries a standing seat in planning, as the charter's "
            "fifth principle asks.",
            _eco_laura.email,
            "done",
            100,
            -35,
            (
                "Founding members invited: eight companies from each side.",
                "Charter of the council drafted and reviewed by both ministries.",
                "Inaugural session held; council ready to report to the group.",
            ),
            signed=("az", "us"),
            completed=-38,
        ),
        MilestoneSpec(
            4,
            "Map non-tariff barriers for agricultural and food exports",
            "Sanitary rules, certification and labelling that slow Azerbaijani food exports to "
            "the U.S. market, and U.S. farm exports to Azerbaijan.",
            _eco_samir.email,
            "in_progress",
            60,
            10,
            (
                "Survey of exporters launched with the help of the business council.",
                "Survey extended by three weeks after a slow start; 31 of 40 exporters have now "
                "answered.",
            ),
        ),
        MilestoneSpec(
            5,
            "Hold the first U.S.–Azerbaijan investment promotion roadshow",
            "Two-city roadshow presenting the joint project list to investors.",
            _eco_nurlan.email,
            "planned",
            0,
            95,
            ("Candidate dates and host cities proposed to the co-chairs.",),
        ),
        MilestoneSpec(
            6,
            "Agree a framework for a regular investment protection dialogue",
            "Working-level format, frequency and contact points for raising investor disputes "
            "before they escalate.",
            member(_ECO, "az"),
            "in_progress",
            70,
            18,
            (
                "Both legal services exchanged their first comments on the draft framework.",
                "Second round of comments received; two clauses still open.",
            ),
        ),
        MilestoneSpec(
            7,
            "Set up a single contact point for U.S. investors in Baku",
            "One desk that routes investor questions to the right agency within five working days.",
            member(_ECO, "az"),
            "awaiting_signoff",
            100,
            0,
            (
                "Service standard and routing table drafted.",
                "Contact point staffed and tested with three pilot enquiries.",
            ),
            signed=("us",),
        ),
        MilestoneSpec(
            8,
            "Prepare the economy and trade input for the annual strategic dialogue",
            "The sides meet at least once a year within the strategic-partnership mechanism; "
            "this is the group's written contribution.",
            member(_ECO, "us"),
            "planned",
            0,
            120,
            ("Outline agreed: results, open issues, proposals for next year.",),
        ),
    ),
    meetings=(
        MeetingSpec(
            "Investment climate and the business council",
            -84,
            17,
            BAKU,
            md(
                "1. Opening remarks by the co-chairs",
                "2. Terms of reference for the investment climate review",
                "3. Membership of the bilateral business council",
                "4. Any other business",
            ),
            location="Ministry of Economy, Baku",
            minutes=md(
                "## Summary",
                "",
                "The co-chairs opened the session and welcomed the private-sector members.",
                "",
                "## Discussion",
                "",
                "- The terms of reference of the investment climate review were agreed with "
                "minor edits.",
                "- Members proposed eight companies from each side for the business council.",
                "- Liberty Bridge Capital offered to host the council's first session.",
            ),
            adopted=True,
            apologies=(_eco_nurlan.email,),
            guests=(("Martin Novak", "Caspian Trade Research Institute"),),
            decisions=(
                "The terms of reference of the investment climate review are adopted.",
                "The business council is launched with eight companies from each side.",
            ),
            actions=(
                ActionSpec(
                    "Send invitations to the founding members of the business council",
                    _eco_laura.email,
                    14,
                    done=True,
                    milestone=3,
                ),
                ActionSpec(
                    "Schedule the company interviews for the investment climate review",
                    member(_ECO, "us"),
                    21,
                    done=True,
                ),
            ),
        ),
        MeetingSpec(
            "Trade barriers and the investor contact point",
            -19,
            8,
            NEW_YORK,
            md(
                "1. Progress on the investment climate review",
                "2. Non-tariff barriers survey: response rate",
                "3. Single contact point for U.S. investors",
            ),
            link="https://meet.charterhub.test/economy-trade-barriers",
            minutes=md(
                "## Summary",
                "",
                "- The review team reported nine of twelve interviews done.",
                "- The exporters' survey has a low response rate; the AZ side will ask the "
                "business council to follow up.",
                "- The contact point is staffed; the US co-chair has signed off.",
            ),
            absent=(_eco_samir.email,),
            guests=(("Victor Hale", "Baku–Washington Trade Forum (guest speaker)"),),
            decisions=("The exporters' survey is extended by three weeks.",),
            actions=(
                ActionSpec(
                    "Remind exporters to answer the non-tariff barriers survey",
                    _eco_samir.email,
                    14,
                    milestone=4,
                ),
                ActionSpec(
                    "Circulate the draft chapters of the investment climate review",
                    member(_ECO, "us"),
                    24,
                ),
            ),
        ),
        MeetingSpec(
            "Investment roadshow planning",
            16,
            8,
            NEW_YORK,
            md(
                "1. Roadshow dates, cities and speakers",
                "2. Draft investment climate review: first reading",
                "3. Input for the annual strategic dialogue",
            ),
            location="U.S. Department of Commerce, Washington, D.C.",
            link="https://meet.charterhub.test/economy-roadshow",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Energy
# ---------------------------------------------------------------------------------------------
_EN = "energy"
_en_rauf = Person(
    email("rauf.ismayilov"), "Rauf Ismayilov", "az", "Shirvan Renewables LLC", sector="private"
)
_en_megan = Person(
    email("megan.albright"),
    "Megan Albright",
    "us",
    "Keystone Grid Partners LLC",
    sector="private",
)
_en_thomas = Person(
    email("thomas.reilly"), "Thomas Reilly", "us", "U.S. Nuclear Regulatory Commission"
)

ENERGY = _group(
    _EN,
    {
        "cochair_az": ("Vugar Alakbarli", MIN_ENERGY),
        "cochair_us": ("Jennifer Marsh", US_ENERGY),
        "member_az": ("Gunay Rzayeva", MIN_ENERGY),
        "member_us": ("Kevin O'Donnell", US_STATE),
    },
    (_en_rauf, _en_megan, _en_thomas),
    milestones=(
        _roadmap(_EN, member(_EN, "az"), "energy", completed=date(2026, 5, 4)),
        MilestoneSpec(
            2,
            "Energy security assessment of the Caspian supply routes",
            "Joint assessment of supply risks on the routes that carry Caspian oil and gas to "
            "Europe, with mitigation options.",
            member(_EN, "us"),
            "done",
            100,
            -20,
            (
                "Scope and data sources agreed.",
                "Risk register drafted: 23 risks, 6 rated high.",
                "Final assessment sent to the co-chairs.",
                "Signed off by both co-chairs.",
            ),
            signed=("az", "us"),
            completed=-24,
        ),
        MilestoneSpec(
            3,
            "Feasibility study for a Trans-Caspian power and data link",
            "Technical and commercial feasibility of a cable carrying electricity and data "
            "across the Caspian.",
            _en_megan.email,
            "in_progress",
            40,
            60,
            (
                "Consultants shortlisted by the private-sector members.",
                "Seabed survey data requested from the national operators.",
            ),
        ),
        MilestoneSpec(
            4,
            "Civil nuclear cooperation: agree the scope of a regulatory exchange",
            "Topics, format and participants of a first exchange between nuclear regulators.",
            _en_thomas.email,
            "at_risk",
            30,
            20,
            (
                "First scoping call held; both sides list safety culture as a priority.",
                "Legal review of information sharing is slower than planned.",
            ),
        ),
        MilestoneSpec(
            5,
            "Civil nuclear cooperation: training programme for regulatory staff",
            "Follows the regulatory exchange: a training plan for the AZ regulatory staff.",
            _en_thomas.email,
            "planned",
            0,
            150,
            ("Depends on the scope of the regulatory exchange (milestone 04).",),
        ),
        MilestoneSpec(
            6,
            "Grid integration study for offshore wind in the Caspian",
            "How much offshore wind the grid can absorb by 2030, and which reinforcements it "
            "needs.",
            _en_rauf.email,
            "at_risk",
            35,
            21,
            (
                "Model of the transmission grid built.",
                "Hourly load data for last year not yet released by the grid operator; the study "
                "is at risk until it is.",
            ),
        ),
        MilestoneSpec(
            7,
            "Methane emissions monitoring pilot at gas processing sites",
            "Satellite and ground-based monitoring at two sites, with a public summary.",
            member(_EN, "az"),
            "awaiting_signoff",
            100,
            3,
            (
                "Two pilot sites selected.",
                "Monitoring campaign finished; summary report drafted.",
                "Report final; waiting for the US co-chair's sign-off.",
            ),
            signed=("az",),
        ),
        MilestoneSpec(
            8,
            "Joint tabletop exercise on a gas supply disruption",
            "A one-day exercise testing how both sides would respond to a disruption on a "
            "major route.",
            member(_EN, "us"),
            "in_progress",
            55,
            16,
            (
                "Scenario written and reviewed by both ministries.",
                "Participants named; a new date agreed after two diary clashes.",
            ),
        ),
    ),
    meetings=(
        MeetingSpec(
            "Supply security and the Trans-Caspian link",
            -70,
            17,
            BAKU,
            md(
                "1. Energy security assessment: findings so far",
                "2. Trans-Caspian power and data link: approach to the feasibility study",
                "3. Civil nuclear cooperation: first ideas",
            ),
            location="Ministry of Energy, Baku",
            minutes=md(
                "## Summary",
                "",
                "- The risk register was presented; members asked for a section on cyber "
                "threats to pipelines.",
                "- The private-sector members will shortlist consultants for the feasibility "
                "study.",
                "- Both sides agreed to start civil nuclear cooperation with regulators.",
            ),
            adopted=True,
            apologies=(_en_thomas.email,),
            guests=(("Anar Mirzayev", "Caspian Energy Institute (guest)"),),
            decisions=(
                "The energy security assessment adds a section on cyber threats to pipelines.",
                "Civil nuclear cooperation starts with a regulatory exchange.",
            ),
            actions=(
                ActionSpec(
                    "Shortlist consultants for the feasibility study",
                    _en_megan.email,
                    21,
                    done=True,
                    milestone=3,
                ),
                ActionSpec(
                    "Propose topics for the regulatory exchange",
                    _en_thomas.email,
                    28,
                    done=True,
                ),
            ),
        ),
        MeetingSpec(
            "Offshore wind, methane monitoring and the exercise",
            -12,
            8,
            NEW_YORK,
            md(
                "1. Grid integration study: missing data",
                "2. Methane monitoring pilot: results",
                "3. Tabletop exercise: new date",
            ),
            link="https://meet.charterhub.test/energy-offshore-wind",
            minutes=md(
                "## Summary",
                "",
                "- The grid integration study is blocked on the operator's load data; the AZ "
                "co-chair will raise it with the operator.",
                "- The methane pilot report is final.",
                "- The tabletop exercise needs a new date.",
            ),
            absent=(member(_EN, "us"),),
            guests=(("Helen Brandt", "Global Methane Monitoring Network (guest)"),),
            decisions=("The methane pilot report is accepted for sign-off.",),
            actions=(
                ActionSpec(
                    "Ask the grid operator to release last year's hourly load data",
                    cochair(_EN, "az"),
                    7,
                    milestone=6,
                ),
                ActionSpec(
                    "Propose three dates for the tabletop exercise",
                    member(_EN, "us"),
                    20,
                ),
            ),
        ),
        MeetingSpec(
            "Civil nuclear cooperation and the feasibility study",
            9,
            17,
            BAKU,
            md(
                "1. Regulatory exchange: scope and legal review",
                "2. Feasibility study: consultants' inception report",
                "3. Any other business",
            ),
            link="https://meet.charterhub.test/energy-civil-nuclear",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Connectivity
# ---------------------------------------------------------------------------------------------
_CON = "connectivity"
_con_yelena = Person(
    email("yelena.mamedova"),
    "Yelena Mamedova",
    "az",
    "Caspian Logistics LLC",
    sector="private",
    language="ru",
)
_con_derek = Person(
    email("derek.hollis"),
    "Derek Hollis",
    "us",
    "Chesapeake Freight Forwarding Inc.",
    sector="private",
)
_con_kamran = Person(email("kamran.safarov"), "Kamran Safarov", "az", MIN_FOREIGN)

CONNECTIVITY = _group(
    _CON,
    {
        "cochair_az": ("Fuad Nasirli", MIN_DIGITAL),
        "cochair_us": ("Andrew Caldwell", US_STATE),
        "member_az": ("Sevinj Aliyeva", CUSTOMS),
        "member_us": ("Olivia Grant", "U.S. Department of Transportation"),
    },
    (_con_yelena, _con_derek, _con_kamran),
    milestones=(
        _roadmap(_CON, member(_CON, "us"), "connectivity", completed=date(2026, 5, 8)),
        MilestoneSpec(
            2,
            "Middle Corridor: harmonise freight documents for Trans-Caspian shipments",
            "One set of documents accepted at every leg of the Trans-Caspian route, from the "
            "Caspian ports to the Black Sea.",
            _con_yelena.email,
            "in_progress",
            55,
            40,
            (
                "Inventory of documents required at each leg finished.",
                "Forwarders' comments collected; 11 documents can be merged into 4.",
                "Draft common document set sent to the customs services.",
            ),
        ),
        MilestoneSpec(
            3,
            "Customs: pilot electronic pre-arrival data at border crossings",
            "Freight data sent before arrival so that customs can clear low-risk trucks "
            "without stopping them.",
            member(_CON, "az"),
            "done",
            100,
            -15,
            (
                "Data format agreed with the customs services.",
                "Pilot running at one border crossing.",
                "Pilot evaluated: average clearance time down from 5 hours to 70 minutes.",
                "Signed off by both co-chairs.",
            ),
            signed=("az", "us"),
            completed=-18,
        ),
        MilestoneSpec(
            4,
            "TRIPP route: agree the technical corridor to Nakhchivan",
            "Alignment of the road and rail link of the Trump Route for International Peace "
            "and Prosperity between mainland Azerbaijan and Nakhchivan.",
            _con_kamran.email,
            "in_progress",
            35,
            25,
            (
                "Three alignment options studied.",
                "Survey of the preferred option started late; access to the terrain is being "
                "arranged.",
            ),
        ),
        MilestoneSpec(
            5,
            "TRIPP route: environmental and social impact scoping",
            "Scoping report for the impact assessment of the preferred alignment.",
            member(_CON, "us"),
            "planned",
            0,
            120,
            ("Starts when the technical corridor is agreed (milestone 04).",),
        ),
        MilestoneSpec(
            6,
            "Capacity study for the multimodal terminal at the Port of Baku",
            "Rail, road and ferry capacity at the port until 2035, and the investments needed "
            "to remove bottlenecks.",
            _con_derek.email,
            "in_progress",
            40,
            30,
            (
                "Traffic forecasts collected from the forwarders.",
                "Port throughput data received from the port authority; modelling under way.",
            ),
        ),
        MilestoneSpec(
            7,
            "Public dashboard of waiting times at border crossings",
            "Publishes the average waiting time of trucks at each crossing, updated daily.",
            member(_CON, "az"),
            "awaiting_signoff",
            100,
            10,
            (
                "Data feed from the customs services connected.",
                "Dashboard live on the test site; accessibility check passed.",
            ),
            signed=("us",),
        ),
        MilestoneSpec(
            8,
            "Air cargo: consultations on expanded air services",
            "Working-level consultations on cargo traffic rights between the two countries.",
            member(_CON, "us"),
            "in_progress",
            65,
            0,
            (
                "Both aviation authorities named their delegations.",
                "Two rounds held; a draft record of discussion is being reviewed.",
            ),
        ),
        MilestoneSpec(
            9,
            "Caspian ferry fleet: capacity review",
            "Whether the ferry and ro-ro fleet can carry the corridor's forecast volumes.",
            _con_yelena.email,
            "planned",
            0,
            200,
            ("Fleet data requested from the shipping companies.",),
        ),
    ),
    meetings=(
        MeetingSpec(
            "Middle Corridor documents and the customs pilot",
            -98,
            17,
            BAKU,
            md(
                "1. Inventory of freight documents on the Trans-Caspian route",
                "2. Customs pre-arrival data pilot: launch",
                "3. TRIPP route: alignment options",
            ),
            location="Ministry of Digital Development and Transport, Baku",
            minutes=md(
                "## Summary",
                "",
                "- The document inventory lists 27 documents along the route.",
                "- The customs pilot will start at one border crossing.",
                "- Three alignment options for the TRIPP route will be studied.",
            ),
            adopted=True,
            apologies=(_con_derek.email,),
            guests=(("Timur Akhmedov", "Trans-Caspian Forwarders Association (guest)"),),
            decisions=(
                "The customs pre-arrival data pilot starts at one border crossing.",
                "Three TRIPP alignment options go to a technical study.",
            ),
            actions=(
                ActionSpec(
                    "Agree the pre-arrival data format with the customs services",
                    member(_CON, "az"),
                    14,
                    done=True,
                    milestone=3,
                ),
                ActionSpec(
                    "Collect forwarders' comments on the document inventory",
                    _con_yelena.email,
                    30,
                    done=True,
                ),
            ),
        ),
        MeetingSpec(
            "Port capacity and air cargo",
            -49,
            8,
            NEW_YORK,
            md(
                "1. Port of Baku terminal capacity study: inception",
                "2. Air cargo consultations: mandate",
                "3. Any other business",
            ),
            link="https://meet.charterhub.test/connectivity-port-air",
            minutes=md(
                "## Summary",
                "",
                "- The capacity study will use the forwarders' forecasts and the port "
                "authority's throughput data.",
                "- The air cargo consultations start with working-level talks.",
            ),
            adopted=True,
            apologies=(_con_kamran.email,),
            guests=(("Rachel Summers", "Harbour Planning Associates (guest)"),),
            decisions=("Air cargo consultations start at working level.",),
            actions=(
                ActionSpec(
                    "Request throughput data from the port authority",
                    _con_derek.email,
                    14,
                    milestone=6,
                ),
            ),
        ),
        MeetingSpec(
            "TRIPP route and the border dashboard",
            -8,
            17,
            BAKU,
            md(
                "1. TRIPP route: survey of the preferred alignment",
                "2. Border waiting-time dashboard: launch",
                "3. Common freight document set: draft",
            ),
            location="Ministry of Foreign Affairs, Baku",
            link="https://meet.charterhub.test/connectivity-tripp",
            minutes=md(
                "## Summary",
                "",
                "- The survey of the preferred TRIPP alignment is delayed; the AZ side is "
                "arranging access.",
                "- The dashboard is ready; the AZ co-chair will sign off after a last check.",
                "- The draft common document set was welcomed by the forwarders.",
            ),
            apologies=(member(_CON, "us"),),
            absent=(_con_derek.email,),
            guests=(("Timur Akhmedov", "Trans-Caspian Forwarders Association (guest)"),),
            decisions=(
                "The common document set goes to the customs services for comment.",
                "The border dashboard is published once both co-chairs have signed off.",
            ),
            actions=(
                ActionSpec(
                    "Arrange terrain access for the TRIPP survey team",
                    _con_kamran.email,
                    12,
                    milestone=4,
                ),
                ActionSpec(
                    "Final accessibility and data check of the border dashboard",
                    member(_CON, "az"),
                    5,
                ),
            ),
        ),
        MeetingSpec(
            "Trans-Caspian corridor review",
            23,
            8,
            NEW_YORK,
            md(
                "1. Middle Corridor: customs comments on the document set",
                "2. TRIPP route: survey results",
                "3. Ferry fleet capacity review: terms of reference",
            ),
            location="U.S. Department of State, Washington, D.C.",
            link="https://meet.charterhub.test/connectivity-corridor",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Artificial Intelligence and Digital Development
# ---------------------------------------------------------------------------------------------
_AI = "ai-digital"
_ai_tural = Person(
    email("tural.karimli"),
    "Tural Karimli",
    "az",
    "Absheron Digital Solutions LLC",
    sector="private",
)
_ai_rebecca = Person(
    email("rebecca.lindqvist"),
    "Rebecca Lindqvist",
    "us",
    "Tidewater Cloud Systems Inc.",
    sector="private",
)
_ai_nigar = Person(
    email("nigar.huseynova"), "Nigar Huseynova", "az", "Ministry of Science and Education"
)

AI_DIGITAL = _group(
    _AI,
    {
        "cochair_az": ("Leyla Abbasli", MIN_DIGITAL),
        "cochair_us": ("Michael Tran", US_STATE),
        "member_az": ("Orkhan Babayev", "Innovation and Digital Development Agency"),
        "member_us": ("Hannah Schultz", US_COMMERCE),
    },
    (_ai_tural, _ai_rebecca, _ai_nigar),
    milestones=(
        MilestoneSpec(
            1,
            "Agree the AI and digital joint project list and implementation roadmap",
            "Within three months of the charter's signature the working groups settle the list "
            "of joint projects and the roadmaps to implement them. This group missed the "
            "deadline: the data-centre projects are still under review on the US side.",
            member(_AI, "az"),
            "awaiting_signoff",
            100,
            ROADMAP_DUE,
            (
                "First draft of the project list circulated to both delegations.",
                "Data-centre projects added late at the request of the private-sector members.",
                "Roadmap final at working level; AZ co-chair signed off, US review of the "
                "data-centre projects pending.",
            ),
            signed=("az",),
            updated=6,
        ),
        MilestoneSpec(
            2,
            "Data centre site selection study",
            "Compares candidate sites for a regional data centre: power, cooling, connectivity "
            "and risk.",
            _ai_rebecca.email,
            "in_progress",
            50,
            45,
            (
                "Selection criteria agreed.",
                "Five sites visited; power and fibre data collected for four.",
            ),
        ),
        MilestoneSpec(
            3,
            "AI partnership: joint R&D call for proposals",
            "A first joint call funding research teams from both countries on applied AI.",
            _ai_nigar.email,
            "planned",
            0,
            75,
            ("Draft call text under discussion with the funding agencies.",),
        ),
        MilestoneSpec(
            4,
            "Innovation bridge: first cohort of the start-up exchange",
            "Ten start-ups from each country spend four weeks in the other's ecosystem.",
            member(_AI, "us"),
            "done",
            100,
            -25,
            (
                "Selection committee formed with the private-sector members.",
                "Twenty start-ups selected from 140 applications.",
                "Exchange finished; participants' report published.",
                "Signed off by both co-chairs.",
            ),
            signed=("az", "us"),
            completed=-30,
        ),
        MilestoneSpec(
            5,
            "Dialogue on cloud services and data protection",
            "Shared principles for cross-border cloud services and personal-data protection.",
            member(_AI, "az"),
            "at_risk",
            40,
            -2,
            (
                "Comparison of the two legal frameworks finished.",
                "Interagency consultation on the AZ side takes longer than planned; the date "
                "has passed.",
            ),
        ),
        MilestoneSpec(
            6,
            "Trans-Caspian digital link: fibre capacity plan",
            "Capacity and route plan for the data part of the Trans-Caspian link.",
            _ai_tural.email,
            "blocked",
            25,
            -3,
            (
                "Demand forecast done with the telecom operators.",
                "Blocked until the energy group's feasibility study confirms the cable route.",
            ),
        ),
        MilestoneSpec(
            7,
            "Space industry: exploratory workshop on satellite services",
            "Exploratory workshop, dropped for this year in favour of the data-centre work.",
            member(_AI, "us"),
            "cancelled",
            10,
            60,
            (
                "Possible topics listed.",
                "Cancelled by the co-chairs: resources moved to the data-centre study.",
            ),
        ),
        MilestoneSpec(
            8,
            "AI skills programme for civil servants",
            "A short course on using AI safely in public administration, taught in Baku.",
            member(_AI, "az"),
            "in_progress",
            60,
            -14,
            (
                "Curriculum drafted with Tidewater Cloud Systems.",
                "Pilot course for 25 civil servants held; feedback being processed.",
            ),
        ),
    ),
    meetings=(
        MeetingSpec(
            "Start-up exchange and data centres",
            -63,
            17,
            BAKU,
            md(
                "1. Innovation bridge: selection of the first cohort",
                "2. Data centre site selection: criteria",
                "3. AI skills programme for civil servants",
            ),
            location="Innovation and Digital Development Agency, Baku",
            link="https://meet.charterhub.test/ai-digital-startups",
            minutes=md(
                "## Summary",
                "",
                "- Twenty start-ups were selected for the first cohort.",
                "- The site selection criteria were agreed: power, cooling, fibre, risk.",
                "- The AI skills course will be piloted with 25 civil servants.",
            ),
            adopted=True,
            apologies=(_ai_nigar.email,),
            guests=(("Elvin Jafarli", "Baku Start-up Hub (guest)"),),
            decisions=(
                "The first cohort of the start-up exchange is confirmed.",
                "The data centre site selection criteria are adopted.",
            ),
            actions=(
                ActionSpec(
                    "Notify the selected start-ups and arrange visas",
                    member(_AI, "us"),
                    10,
                    done=True,
                    milestone=4,
                ),
                ActionSpec(
                    "Draft the curriculum of the AI skills course",
                    _ai_rebecca.email,
                    30,
                    done=True,
                ),
            ),
        ),
        MeetingSpec(
            "Roadmap delay and the data protection dialogue",
            -10,
            8,
            NEW_YORK,
            md(
                "1. Roadmap: status of the US review",
                "2. Cloud services and data protection: legal comparison",
                "3. Trans-Caspian digital link: dependency on the energy group",
            ),
            link="https://meet.charterhub.test/ai-digital-roadmap",
            minutes=md(
                "## Summary",
                "",
                "- The US review of the data-centre projects needs three more weeks.",
                "- The legal comparison is done; the AZ interagency consultation is slow.",
                "- The fibre capacity plan waits for the cable route from the energy group.",
            ),
            absent=(_ai_tural.email,),
            guests=(("Grace Holloway", "Open Data Standards Council (guest)"),),
            decisions=("The roadmap goes to the US co-chair for sign-off once the review ends.",),
            actions=(
                ActionSpec(
                    "Finish the US review of the data-centre projects",
                    cochair(_AI, "us"),
                    21,
                    milestone=1,
                ),
                ActionSpec(
                    "Ask the energy group for the expected cable route",
                    _ai_tural.email,
                    7,
                ),
            ),
        ),
        MeetingSpec(
            "AI research call and the site selection report",
            13,
            17,
            BAKU,
            md(
                "1. Joint R&D call: final text",
                "2. Data centre site selection: draft report",
                "3. AI skills programme: lessons from the pilot",
            ),
            link="https://meet.charterhub.test/ai-digital-research",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Security and Defense (restricted)
# ---------------------------------------------------------------------------------------------
_SEC = "security"
_sec_ramil = Person(
    email("ramil.guliyev"),
    "Ramil Guliyev",
    "az",
    "Araz Mine Action Services LLC",
    sector="private",
)
_sec_dana = Person(
    email("dana.whitaker"),
    "Dana Whitaker",
    "us",
    "Northfield Detection Technologies Inc.",
    sector="private",
)
_sec_emil = Person(email("emil.sadigov"), "Emil Sadigov", "az", "Ministry of Internal Affairs")

SECURITY = _group(
    _SEC,
    {
        "cochair_az": ("Rovshan Gasimov", MIN_DEFENCE),
        "cochair_us": ("Patricia Nolan", "U.S. Department of Defense"),
        "member_az": ("Farid Musayev", "Mine Action Agency"),
        "member_us": ("Gregory Blake", US_STATE),
    },
    (_sec_ramil, _sec_dana, _sec_emil),
    milestones=(
        _roadmap(_SEC, member(_SEC, "az"), "security and defense", completed=date(2026, 5, 9)),
        MilestoneSpec(
            2,
            "Humanitarian demining: agree the technology and funding package",
            "Detection technology, training and multi-year funding for clearing land in "
            "Azerbaijan.",
            member(_SEC, "us"),
            "in_progress",
            45,
            35,
            (
                "Needs assessment shared by the AZ side.",
                "Equipment options priced; funding sources under discussion.",
            ),
        ),
        MilestoneSpec(
            3,
            "Humanitarian demining: equip the first survey teams",
            "Detection equipment and training for the first non-technical survey teams.",
            _sec_dana.email,
            "done",
            100,
            -20,
            (
                "Equipment list agreed.",
                "Equipment delivered; training of 40 surveyors finished.",
                "Signed off by both co-chairs.",
            ),
            signed=("az", "us"),
            completed=-22,
        ),
        MilestoneSpec(
            4,
            "Critical-infrastructure cyber protection exercise",
            "A joint exercise protecting energy and transport control systems from attack.",
            _sec_emil.email,
            "at_risk",
            30,
            9,
            (
                "Scenario drafted.",
                "Participating operators not yet confirmed; date at risk.",
            ),
        ),
        MilestoneSpec(
            5,
            "Cybersecurity skills course for incident response teams",
            "A two-week course for the staff of the national incident response teams.",
            member(_SEC, "us"),
            "done",
            100,
            -50,
            (
                "Course outline agreed.",
                "Course delivered to 30 participants.",
                "Signed off by both co-chairs.",
            ),
            signed=("az", "us"),
            completed=-52,
        ),
        MilestoneSpec(
            6,
            "Counter-terrorism information-sharing arrangement",
            "Working arrangement for exchanging information on terrorist financing and travel.",
            _sec_emil.email,
            "at_risk",
            20,
            40,
            (
                "Draft arrangement exchanged.",
                "At risk: waiting for the data-protection assessment by both legal services.",
            ),
        ),
        MilestoneSpec(
            7,
            "Defense industry: review of export licensing procedures",
            "A joint guide to the licensing steps for defense industry sales between the two "
            "countries.",
            member(_SEC, "az"),
            "awaiting_signoff",
            100,
            14,
            (
                "Procedures of both sides mapped.",
                "Guide drafted and reviewed with industry representatives.",
            ),
            signed=("az",),
        ),
        MilestoneSpec(
            8,
            "Peace in the South Caucasus: briefing for the annual strategic dialogue",
            "The group's briefing on confidence-building measures for the annual dialogue.",
            member(_SEC, "us"),
            "planned",
            0,
            60,
            ("Outline agreed by the co-chairs.",),
        ),
    ),
    meetings=(
        MeetingSpec(
            "Demining package and cyber skills",
            -77,
            17,
            BAKU,
            md(
                "1. Humanitarian demining: needs assessment",
                "2. Cybersecurity skills course: outline",
                "3. Counter-terrorism information sharing",
            ),
            location="Ministry of Defence, Baku",
            minutes=md(
                "## Summary",
                "",
                "- The AZ side presented the demining needs assessment.",
                "- The cyber skills course outline was agreed.",
                "- A draft information-sharing arrangement will be exchanged.",
            ),
            adopted=True,
            apologies=(_sec_ramil.email,),
            guests=(("Colonel (ret.) James Porter", "Mine Action Review Board (guest)"),),
            decisions=(
                "The first survey teams are equipped from the existing budget.",
                "The cyber skills course is delivered in Baku.",
            ),
            actions=(
                ActionSpec(
                    "Agree the equipment list for the survey teams",
                    _sec_dana.email,
                    14,
                    done=True,
                    milestone=3,
                ),
                ActionSpec(
                    "Send the draft information-sharing arrangement",
                    _sec_emil.email,
                    21,
                    done=True,
                ),
            ),
        ),
        MeetingSpec(
            "Cyber exercise and export licensing",
            -16,
            8,
            NEW_YORK,
            md(
                "1. Critical-infrastructure exercise: participants",
                "2. Export licensing guide: draft",
                "3. Information-sharing arrangement: legal review",
            ),
            location="U.S. Department of State, Washington, D.C.",
            minutes=md(
                "## Summary",
                "",
                "- Operators have not yet confirmed their participation in the exercise.",
                "- The export licensing guide is ready for sign-off.",
                "- The information-sharing arrangement waits for the data-protection assessment.",
            ),
            absent=(member(_SEC, "az"),),
            guests=(("Alicia Moreno", "Industrial Control Systems Forum (guest)"),),
            decisions=("The export licensing guide goes to the co-chairs for sign-off.",),
            actions=(
                ActionSpec(
                    "Confirm the operators taking part in the cyber exercise",
                    _sec_emil.email,
                    12,
                    milestone=4,
                ),
                ActionSpec(
                    "Sign off the export licensing guide",
                    cochair(_SEC, "us"),
                    14,
                ),
            ),
        ),
        MeetingSpec(
            "Demining funding and the strategic dialogue briefing",
            20,
            17,
            BAKU,
            md(
                "1. Demining technology and funding package",
                "2. Briefing for the annual strategic dialogue",
                "3. Any other business",
            ),
            location="Ministry of Defence, Baku",
        ),
    ),
)

GROUPS: tuple[GroupSpec, ...] = (ECONOMY, ENERGY, CONNECTIVITY, AI_DIGITAL, SECURITY)


def people() -> list[Person]:
    """Every demo account, the admin first."""
    return [ADMIN, *(person for group in GROUPS for person in group.cast), OBSERVER]


@dataclass(frozen=True)
class Login:
    email: str
    role: str


def demo_logins() -> list[Login]:
    """The documented demo accounts (DESIGN.md, "Interfaces to keep stable")."""
    logins = [Login(ADMIN.email, "staff admin (Django admin too)")]
    for group in GROUPS:
        name = GROUP_NAMES[group.slug]
        for side in ("az", "us"):
            logins.append(Login(cochair(group.slug, side), f"{name}: co-chair, {side.upper()}"))
        for side in ("az", "us"):
            logins.append(Login(member(group.slug, side), f"{name}: member, {side.upper()}"))
    logins.append(Login(OBSERVER.email, "observer of every non-restricted group"))
    return logins


# Synthetic volume (--scale N) -------------------------------------------------------------------

SYNTHETIC_USERS_PER_SCALE = 50
SYNTHETIC_MILESTONES_PER_SCALE = 500
SYNTHETIC_MEETINGS_PER_SCALE = 100
SYNTHETIC_EMAIL_PREFIX = "synthetic."
SYNTHETIC_REF_PREFIX = "SYN-"
SYNTHETIC_MEETING_PREFIX = "Synthetic meeting "


def synthetic_email(index: int) -> str:
    return email(f"{SYNTHETIC_EMAIL_PREFIX}{index:05d}")


def synthetic_ref(index: int) -> str:
    return f"{SYNTHETIC_REF_PREFIX}{index:06d}"


def synthetic_meeting_title(index: int) -> str:
    return f"{SYNTHETIC_MEETING_PREFIX}{index:06d}"


SYNTHETIC_ORGANISATIONS = (
    ("az", "government", MIN_ECONOMY),
    ("us", "government", US_STATE),
    ("az", "government", MIN_DIGITAL),
    ("us", "government", US_ENERGY),
    ("az", "private", "Caspian Logistics LLC"),
    ("us", "private", "Tidewater Cloud Systems Inc."),
    ("az", "government", MIN_ENERGY),
    ("us", "government", US_COMMERCE),
    ("az", "private", "Absheron Digital Solutions LLC"),
    ("us", "private", "Keystone Grid Partners LLC"),
)

SYNTHETIC_TOPICS = (
    "Middle Corridor freight facilitation",
    "Customs and border crossing",
    "TRIPP route to Nakhchivan",
    "Energy security",
    "Civil nuclear cooperation",
    "Data centres and digital infrastructure",
    "AI partnership",
    "Innovation bridge and start-ups",
    "Investment climate",
    "Cybersecurity and critical infrastructure",
    "Humanitarian demining",
    "Defense industry cooperation",
    "Counter-terrorism cooperation",
    "Annual strategic dialogue",
)
