"""The picklists of a case, with the value names of IOM's Human Trafficking Case Data
Standard (HTCDS 2.0, `shared/reference/htcds/htcds_2.0_fields.csv`; "Human Trafficking
Case Data Standard (HTCDS) by IOM", CC BY 4.0). The stored value is the standard's value
name, so an export in HTCDS fields needs no mapping; the labels are safepath's, in four
languages."""

from django.db import models
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):  # cas_Status
    ACTIVE = "Active", _lazy("Active")
    FOLLOW_UP = "FollowUp", _lazy("Follow-up")
    CLOSED = "Closed", _lazy("Closed")
    CLOSED_REFERRED = "ClosedReferred", _lazy("Closed and referred")


CLOSED_STATUSES = (CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED)


class TraffickingStatus(models.TextChoices):  # vic_TraffickingStatus
    POSSIBLE = "PossibleVictimOfTrafficking", _lazy("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _lazy("Victim of trafficking (identified)")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _lazy("Not a victim of trafficking")


class DecidingOrganisation(models.TextChoices):  # vic_TraffickingStatusDecisionMakingOrg
    POLICE = "Police", _lazy("Police")
    NGO = "NGO", _lazy("Non-governmental organisation")
    COURT_OR_PROSECUTION = "CourtOrProsecution", _lazy("Court or prosecution")
    NON_POLICE_GOVERNMENTAL = (
        "NonPoliceGovernmentalOrganization",
        _lazy("Governmental organisation other than the police"),
    )
    OTHER = "Other", _lazy("Other")


class ExploitationType(models.TextChoices):  # vic_TypeOfExploitation
    FORCED_LABOUR = "ForcedLabour", _lazy("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _lazy("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _lazy("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _lazy("Forced marriage")
    SERVITUDE = "Servitude", _lazy("Servitude")
    FORCED_MILITARY = (
        "ForcedMilitaryByNonStateActors",
        _lazy("Forced military service (by non-state actors)"),
    )
    ORGAN_REMOVAL = "OrganRemoval", _lazy("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _lazy("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _lazy("Forced adoption")
    SURROGACY = "Surrogacy", _lazy("Surrogacy")
    OTHER = "Other", _lazy("Other")


class MeansOfControl(models.TextChoices):  # vic_MethodsOfControl
    PHYSICAL_THREATS = "PhysicalThreats", _lazy("Physical threats")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _lazy("Threats of law enforcement")
    THREATENS_FAMILY = "ThreatensChildrenFamily", _lazy("Threats to children or family")
    DEBT_BONDAGE = "DebtBondage", _lazy("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _lazy("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _lazy("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _lazy("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _lazy("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _lazy("Restricts financial access")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _lazy("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _lazy("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _lazy("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", _lazy("Psychoactive substances")
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", _lazy("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _lazy("Withholds documents")
    OTHER = "Other", _lazy("Other")


class ForcedLabourIndustry(models.TextChoices):  # vic_ForcedLabourIndustry: ISIC rev. 4
    # Members are named by their ISIC section letter (I_ and O_: I and O read as 1 and 0).
    A = "A_AgricultureForestryAndFishing", _lazy("A. Agriculture, forestry and fishing")
    B = "B_MiningAndQuarrying", _lazy("B. Mining and quarrying")
    C = "C_Manufacturing", _lazy("C. Manufacturing")
    D = (
        "D_ElectricityGasSteamAndAirConditioningSupply",
        _lazy("D. Electricity, gas, steam and air conditioning supply"),
    )
    E = (
        "E_WaterSupplySewerageWasteManagement",
        _lazy("E. Water supply; sewerage, waste management and remediation"),
    )
    F = "F_Construction", _lazy("F. Construction")
    G = (
        "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        _lazy("G. Wholesale and retail trade; repair of motor vehicles"),
    )
    H = "H_TransportationAndStorage", _lazy("H. Transportation and storage")
    I_ = (
        "I_AccommodationAndFoodServiceActivities",
        _lazy("I. Accommodation and food service activities"),
    )
    J = "J_InformationAndCommunication", _lazy("J. Information and communication")
    K = "K_FinancialAndInsuranceActivities", _lazy("K. Financial and insurance activities")
    L = "L_RealEstateActivities", _lazy("L. Real estate activities")
    M = (
        "M_ProfessionalScientificAndTechnicalActivities",
        _lazy("M. Professional, scientific and technical activities"),
    )
    N = (
        "N_AdministrativeAndSupportServiceActivities",
        _lazy("N. Administrative and support service activities"),
    )
    O_ = (
        "O_PublicAdministrationAndDefence",
        _lazy("O. Public administration and defence"),
    )
    P = "P_Education", _lazy("P. Education")
    Q = "Q_HumanHealthAndSocialWorkActivities", _lazy("Q. Human health and social work")
    R = "R_ArtsEntertainmentAndRecreation", _lazy("R. Arts, entertainment and recreation")
    S = "S_OtherServiceActivities", _lazy("S. Other service activities")
    T = (
        "T_ActivitiesOfHouseholdsAsEmployers",
        _lazy("T. Activities of households as employers (domestic work)"),
    )
    U = (
        "U_ActivitiesOfExtraterritorialOrganizations",
        _lazy("U. Extraterritorial organisations and bodies"),
    )


class RecruitmentMethod(models.TextChoices):  # vic_MethodOfRecruitment
    PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _lazy("At a place of business")
    EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", _lazy("At an educational institution")
    AT_WORK = "AtWork", _lazy("At work")
    ONLINE_SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", _lazy("Through online social networks")
    ONLINE_ADVERTISEMENT = "ThroughAnOnlineAdvertisement", _lazy("Through an online advertisement")
    TELEVISION_ADVERT = "ThroughATelevisionAdvert", _lazy("Through a television advert")
    NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", _lazy("Through a newspaper advert")
    FAMILY = "ThroughFamilyOrFamilyEvents", _lazy("Through family or family events")
    FRIENDS = "ThroughFriendsOrSocialEvents", _lazy("Through friends or social events")
    OTHER = "Other", _lazy("Other")


class RelationshipToTrafficker(models.TextChoices):  # vic_RelationshipToTrafficker
    FAMILIAL = "Familial", _lazy("Family member")
    ACQUAINTED = "Acquainted", _lazy("Someone the person knew")
    UNACQUAINTED = "Unaquainted", _lazy("A stranger")  # sic: the standard's spelling


class RiskLevel(models.TextChoices):
    # A context: "Medium" and "High" elsewhere qualify other nouns (indicator strength,
    # priority), and the languages agree their adjectives with the noun.
    LOW = "low", pgettext_lazy("risk level", "Low")
    MEDIUM = "medium", pgettext_lazy("risk level", "Medium")
    HIGH = "high", pgettext_lazy("risk level", "High")


class GuardianStatus(models.TextChoices):
    """A child's legal guardian (in Poland appointed by a family court)."""

    APPOINTED = "appointed", _lazy("Appointed")
    REQUESTED = "requested", _lazy("Requested from the family court")
    NOT_APPOINTED = "not_appointed", _lazy("Not appointed")


class SupportPlanType(models.TextChoices):  # spl_Type, plus leaving care (safepath's own)
    EDUCATION = "Education", _lazy("Education")
    FINANCIAL = "Financial", _lazy("Financial")
    HEALTH = "Health", _lazy("Health")
    LABOUR_REHABILITATION = (
        "LabourExploitationRehabilitation",
        _lazy("Rehabilitation after labour exploitation"),
    )
    LEGAL = "Legal", _lazy("Legal")
    LIVELIHOOD = "Livelihood", _lazy("Livelihood")
    RIGHTS_BASED_TRAINING = "RightsBasedTraining", _lazy("Rights-based training")
    SEXUAL_REHABILITATION = (
        "SexualExploitationRehabilitation",
        _lazy("Rehabilitation after sexual exploitation"),
    )
    SOCIAL_CARE = "SocialCare", _lazy("Social care")
    LEAVING_CARE = "LeavingCare", _lazy("Leaving foster care (young people)")
