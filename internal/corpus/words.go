package corpus

// The vocabulary below is our own: short French noun phrases, verbs and
// complements about life abroad, combined by the templates of text.go into
// grammatical sentences. Every subject is third person singular, so any verb
// agrees with any subject.

type category struct {
	slug, title, description string
	weight                   int
}

var categories = []category{
	{"actualites-internationales", "Actualités internationales", "Ce qui se passe dans le monde et qui compte pour les Français installés hors de France.", 10},
	{"actualites-politiques", "Actualités politiques", "Élections, représentants et décisions publiques qui concernent les Français de l'étranger.", 20},
	{"actualites-economiques", "Actualités économiques", "Fiscalité, banque, emploi et commerce : l'économie vue depuis l'étranger.", 30},
	{"etudier-et-travailler", "Étudier et travailler", "Études, stages, volontariat, détachement et expatriation : partir pour apprendre ou travailler.", 40},
	{"vie-pratique", "Vie pratique", "Démarches, santé, retraite et vie quotidienne : les guides pour vivre sereinement ailleurs.", 50},
}

var countries = []string{
	"Allemagne", "Argentine", "Australie", "Autriche", "Belgique", "Brésil", "Bulgarie", "Cameroun",
	"Canada", "Chili", "Chine", "Colombie", "Corée du Sud", "Côte d'Ivoire", "Croatie", "Danemark",
	"Égypte", "Émirats arabes unis", "Espagne", "Estonie", "États-Unis", "Finlande", "Gabon", "Ghana",
	"Grèce", "Hongrie", "Inde", "Indonésie", "Irlande", "Islande", "Israël", "Italie",
	"Japon", "Kenya", "Liban", "Lituanie", "Luxembourg", "Madagascar", "Malaisie", "Mali",
	"Maroc", "Maurice", "Mexique", "Monaco", "Norvège", "Nouvelle-Zélande", "Pays-Bas", "Pérou",
	"Philippines", "Pologne", "Portugal", "Qatar", "Roumanie", "Royaume-Uni", "Sénégal", "Singapour",
	"Suède", "Suisse", "Thaïlande", "Tunisie", "Turquie", "Uruguay", "Viêt Nam",
}

var cities = []string{
	"Abidjan", "Amsterdam", "Athènes", "Bangkok", "Barcelone", "Berlin", "Bogotá", "Bruxelles",
	"Bucarest", "Buenos Aires", "Casablanca", "Copenhague", "Dakar", "Doha", "Dubaï", "Dublin",
	"Édimbourg", "Francfort", "Genève", "Hambourg", "Hanoï", "Helsinki", "Hong Kong", "Istanbul",
	"Jérusalem", "Lagos", "Libreville", "Lima", "Lisbonne", "Londres", "Los Angeles", "Lyon",
	"Madrid", "Manille", "Marrakech", "Melbourne", "Mexico", "Milan", "Montréal", "Moscou",
	"Munich", "Nairobi", "New York", "Oslo", "Ottawa", "Pékin", "Prague", "Québec",
	"Rabat", "Rome", "San Francisco", "Santiago", "São Paulo", "Séoul", "Shanghai", "Stockholm",
	"Sydney", "Tokyo", "Toronto", "Tunis", "Valence", "Vancouver", "Varsovie", "Vienne", "Zurich",
}

var themes = []string{
	"expatriation", "retraite", "santé", "sécurité sociale", "fiscalité", "impôts", "banque",
	"élections", "vote par procuration", "consulat", "ambassade", "passeport", "carte d'identité",
	"état civil", "nationalité", "scolarité", "lycées français", "bourses scolaires", "études supérieures",
	"Erasmus+", "volontariat international", "VIE", "stage", "emploi", "détachement", "droit du travail",
	"chômage", "assurance", "CFE", "Cleiss", "COG 2021-2024", "mobilité", "permis de conduire",
	"logement", "immobilier", "succession", "mariage", "famille", "enfants", "PACS",
	"sécurité", "voyage", "visa", "titre de séjour", "douane", "commerce", "export", "entreprise",
	"francophonie", "culture", "langue française", "numérique", "démarches en ligne", "transports",
	"climat", "énergie", "agriculture", "tourisme", "diplomatie", "Union européenne",
	"Brexit", "Mercosur", "coopération", "aide au retour", "retour en France", "pension",
	"complémentaire santé", "maternité", "handicap", "jeunesse", "sport", "recherche",
	"innovation", "monnaie", "inflation", "salaires", "télétravail", "cybersécurité",
}

// subjects are singular noun phrases; {ville} is filled in.
var subjects = []string{
	"le consulat général de {ville}", "l'ambassade de France", "la Caisse des Français de l'étranger",
	"le ministère de l'Europe et des Affaires étrangères", "le Cleiss", "le gouvernement",
	"l'administration fiscale", "le service des visas", "la chambre de commerce franco-locale",
	"le conseiller des Français de l'étranger", "l'Assemblée des Français de l'étranger",
	"le lycée français de {ville}", "l'agence pour l'enseignement français à l'étranger",
	"le nouveau dispositif", "la réforme annoncée au printemps", "la convention bilatérale",
	"le service public de l'emploi", "l'association des Français de {ville}", "le réseau consulaire",
	"la caisse de retraite", "le Quai d'Orsay", "l'Union européenne", "le parlement local",
	"l'office de tourisme", "la banque centrale", "le service des pensions",
	"la plateforme en ligne", "le registre des Français établis hors de France",
	"chaque ressortissant", "tout expatrié", "le texte adopté la semaine dernière",
	"le rapport annuel", "l'Institut français de {ville}", "le centre de santé",
}

// verbs are conjugated in the present, third person singular.
var verbs = []string{
	"précise", "rappelle", "annonce", "met en place", "simplifie", "prolonge", "modifie",
	"détaille", "publie", "renforce", "suspend", "élargit", "confirme", "encadre",
	"facilite", "réorganise", "accompagne", "présente", "examine", "clarifie", "étend",
	"revoit", "actualise", "prépare", "soutient", "finance", "évalue", "harmonise",
}

// objects are noun phrases of any gender and number.
var objects = []string{
	"les démarches d'inscription", "le calendrier des élections consulaires", "les conditions d'accès aux soins",
	"le montant des bourses scolaires", "les règles de cotisation", "la durée du détachement",
	"les modalités de remboursement", "le délai de délivrance des passeports", "les tarifs applicables",
	"la liste des pièces justificatives", "le guichet unique en ligne", "les droits à la retraite",
	"la procédure de vote par internet", "les accords de sécurité sociale", "le régime fiscal des non-résidents",
	"l'accueil des nouveaux arrivants", "la reconnaissance des diplômes", "les formalités douanières",
	"le dispositif d'aide au retour", "les permanences consulaires", "les règles de séjour",
	"la couverture des travailleurs frontaliers", "le service d'état civil", "l'offre de formation",
	"les consignes de sécurité", "la prise en charge des frais médicaux", "les aides au logement",
	"la transmission des dossiers", "le plan de continuité", "le statut des conjoints",
}

// complements close a clause.
var complements = []string{
	"dès le mois de {mois}", "pour les Français installés à {ville}", "à compter du 1er {mois}",
	"dans l'ensemble du réseau", "jusqu'à la fin de l'année", "pour une durée de {n} mois",
	"après une longue concertation", "sans frais supplémentaires", "à titre expérimental",
	"dans {n} pays pilotes", "en lien avec les autorités locales", "pour les familles installées à {ville}",
	"selon un calendrier progressif", "en attendant la publication du décret", "au bénéfice des retraités",
	"pour les moins de {age} ans", "avant l'été", "d'ici la rentrée", "sur simple demande",
	"pour près de {mille} personnes", "dans un souci de simplification", "au terme de {n} années de discussions",
}

var openers = []string{
	"Concrètement, ", "Par ailleurs, ", "En pratique, ", "Pour l'heure, ", "De son côté, ",
	"Dans les faits, ", "À ce stade, ", "En revanche, ", "Depuis plusieurs mois, ", "Comme chaque année, ",
	"Selon nos informations, ", "Sur le terrain, ", "Autrement dit, ", "D'après les premiers retours, ",
}

var quotes = []string{
	"nous voulons que chaque démarche puisse se faire à distance",
	"les familles attendaient cette clarification depuis longtemps",
	"il reste des délais trop longs dans certains postes",
	"le plus important est d'anticiper avant le départ",
	"ce changement concerne davantage de monde qu'on ne l'imagine",
	"nous recevons chaque semaine des questions sur ce sujet",
	"la coopération avec les autorités locales fonctionne bien",
}

var speakers = []string{
	"une conseillère consulaire", "le chef de poste", "une responsable associative", "un élu des Français de l'étranger",
	"une directrice d'école", "un agent du service social", "une expatriée installée depuis dix ans",
}

var headings = []string{
	"Ce qui change", "Qui est concerné", "Les démarches à prévoir", "Le calendrier", "Les points de vigilance",
	"Ce qu'il faut retenir", "Les chiffres clés", "Le contexte", "Les réactions", "Et ensuite",
	"Les questions fréquentes", "Pour aller plus loin", "Les pièces à fournir", "Les coûts",
}

var titleTemplates = []string{
	"{Objet} : ce qui change pour les Français de {ville}",
	"{Sujet} {verbe} {objet}",
	"{Theme} : {sujet} {verbe} {objet}",
	"Expatriés à {ville} : {objet} en questions",
	"{Theme} à l'étranger : le point sur {objet}",
	"{Pays} : {sujet} {verbe} {objet} {complement}",
	"Vivre à {ville} : tout savoir sur {objet}",
}

var authors = []string{"La rédaction", "Claire Dumas", "Julien Marchand", "Sophie Lemaire", "Karim Benali", "Anne Fontaine", "Thomas Girard"}

var months = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
