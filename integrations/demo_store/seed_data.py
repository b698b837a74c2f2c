"""Reference data the demo store's seed draws from: markets, people, places, products, carriers.

Names and addresses are local (scripts included); carrier wording is English, as carriers
report it. Phone numbers use ranges reserved for fiction or test use where one exists.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class City:
    local: str  # as written on the shipping label
    english: str  # as carriers report it in tracking locations
    postal: str  # pattern: '#' digit, 'A' upper-case letter, anything else literal
    streets: tuple[str, ...] = ()  # templates overriding the market's, for local coherence


@dataclass(frozen=True)
class Market:
    code: str
    currency: str
    email_domain: str
    phone_prefixes: tuple[str, ...]
    phone_digits: int  # random digits after the prefix
    given_names: tuple  # plain Latin strings, or (local, ascii[, gender]) tuples
    family_names: tuple  # plain Latin strings, (local, ascii), or (m_local, m_ascii, f_local, f_ascii)
    cities: tuple[City, ...]
    streets: tuple[str, ...]
    payment_methods: tuple[tuple[str, int], ...]  # (method, weight)
    gateways: tuple[str, ...]  # airports / offices of exchange where imports arrive
    name_style: str = "given family"  # or "family given", "familygiven"
    email_style: str = "given.family"  # or "family.given"
    weight: int = 5


# Street templates: {n} house number, {a} flat, {f} floor, {b}-{c}-{d} Japanese block numbers.
MARKETS: dict[str, Market] = {
    m.code: m
    for m in (
        Market(
            code="US", currency="USD", email_domain="example.com",
            phone_prefixes=("+120255501", "+121255501", "+131255501", "+141555501", "+161755501"),
            phone_digits=2,
            given_names=("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Robert", "Ashley",
                         "Daniel", "Olivia", "Christopher", "Megan"),
            family_names=("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia",
                          "Wilson", "Taylor", "Anderson", "Thomas"),
            cities=(
                City("New York", "New York", "100##", ("{n} West 72nd Street, Apt {a}", "{n} Bleecker Street")),
                City("Los Angeles", "Los Angeles", "900##"),
                City("Chicago", "Chicago", "606##"),
                City("Houston", "Houston", "770##"),
                City("Seattle", "Seattle", "981##"),
                City("Boston", "Boston", "021##"),
            ),
            streets=("{n} Main Street", "{n} Oak Avenue", "{n} Maple Drive", "{n} Park Place, Apt {a}",
                     "{n} Elm Street"),
            payment_methods=(("card", 55), ("paypal", 25), ("apple_pay", 15), ("google_pay", 5)),
            gateways=("Los Angeles", "New York", "Chicago", "Cincinnati"),
            weight=14,
        ),
        Market(
            code="GB", currency="GBP", email_domain="example.co.uk",
            phone_prefixes=("+447700900",), phone_digits=3,
            given_names=("Oliver", "George", "Amelia", "Isla", "Harry", "Jack", "Sophie", "Charlotte",
                         "Thomas", "Grace"),
            family_names=("Brown", "Taylor", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hughes",
                          "Edwards", "Green"),
            cities=(
                City("London", "London", "SW1A #AA"),
                City("London", "London", "E1 #AA"),
                City("Manchester", "Manchester", "M4 #AA"),
                City("Birmingham", "Birmingham", "B5 #AA"),
                City("Edinburgh", "Edinburgh", "EH3 #AA"),
                City("Bristol", "Bristol", "BS1 #AA"),
            ),
            streets=("{n} High Street", "{n} Station Road", "{n} Church Lane", "Flat {a}, {n} Victoria Road"),
            payment_methods=(("card", 55), ("paypal", 25), ("apple_pay", 12), ("klarna", 8)),
            gateways=("London Heathrow", "East Midlands"),
            weight=8,
        ),
        Market(
            code="DE", currency="EUR", email_domain="example.de",
            phone_prefixes=("+49151", "+49160", "+49171", "+49176"), phone_digits=8,
            given_names=("Lukas", "Leon", "Finn", "Anna", "Mia", "Lena", "Jonas", "Sophie", "Felix", "Hannah",
                         "Jürgen", "Katrin"),
            family_names=("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
                          "Schulz", "Hoffmann", "Schäfer", "Koch"),
            cities=(
                City("Berlin", "Berlin", "10###"),
                City("München", "Munich", "80###"),
                City("Hamburg", "Hamburg", "20###"),
                City("Köln", "Cologne", "50###"),
                City("Frankfurt am Main", "Frankfurt", "60###"),
            ),
            streets=("Hauptstraße {n}", "Bahnhofstraße {n}", "Gartenweg {n}", "Lindenallee {n}",
                     "Schillerstraße {n}"),
            payment_methods=(("paypal", 35), ("klarna", 25), ("card", 25), ("sepa_debit", 15)),
            gateways=("Frankfurt", "Leipzig"),
            weight=9,
        ),
        Market(
            code="FR", currency="EUR", email_domain="example.fr",
            phone_prefixes=("+336", "+337"), phone_digits=8,
            given_names=("Camille", "Léa", "Chloé", "Louis", "Hugo", "Manon", "Lucas", "Inès", "Jules", "Emma"),
            family_names=("Dubois", "Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Lefèvre",
                          "Girard", "Roux"),
            cities=(
                City("Paris", "Paris", "750##"),
                City("Lyon", "Lyon", "6900#"),
                City("Marseille", "Marseille", "130##"),
                City("Toulouse", "Toulouse", "310##"),
                City("Bordeaux", "Bordeaux", "330##"),
            ),
            streets=("{n} rue de la République", "{n} avenue Victor Hugo", "{n} boulevard Voltaire",
                     "{n} rue des Lilas"),
            payment_methods=(("card", 65), ("paypal", 25), ("apple_pay", 10)),
            gateways=("Paris",),
            weight=7,
        ),
        Market(
            code="ES", currency="EUR", email_domain="example.es",
            phone_prefixes=("+346",), phone_digits=8,
            given_names=("María", "Lucía", "Carmen", "Javier", "Alejandro", "Sofía", "Pablo", "Elena",
                         "Daniel", "Marta"),
            family_names=("García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz",
                          "Díaz", "Moreno"),
            cities=(
                City("Madrid", "Madrid", "280##"),
                City("Barcelona", "Barcelona", "080##", ("Passeig de Gràcia {n}, {f}º", "Carrer de Mallorca {n}")),
                City("Valencia", "Valencia", "460##"),
                City("Sevilla", "Seville", "410##"),
                City("Bilbao", "Bilbao", "480##"),
            ),
            streets=("Calle Mayor {n}, {f}º", "Avenida de la Constitución {n}", "Calle del Sol {n}",
                     "Calle de Alcalá {n}, {f}º"),
            payment_methods=(("card", 55), ("paypal", 30), ("bizum", 15)),
            gateways=("Madrid",),
            weight=8,
        ),
        Market(
            code="IT", currency="EUR", email_domain="example.it",
            phone_prefixes=("+393",), phone_digits=9,
            given_names=("Giulia", "Francesco", "Alessandro", "Sofia", "Lorenzo", "Aurora", "Matteo",
                         "Chiara", "Marco", "Martina"),
            family_names=("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
                          "Marino", "Greco"),
            cities=(
                City("Roma", "Rome", "001##"),
                City("Milano", "Milan", "201##"),
                City("Napoli", "Naples", "801##"),
                City("Torino", "Turin", "101##"),
                City("Bologna", "Bologna", "401##"),
            ),
            streets=("Via Roma {n}", "Corso Italia {n}", "Via Garibaldi {n}", "Piazza Mazzini {n}"),
            payment_methods=(("card", 50), ("paypal", 35), ("scalapay", 15)),
            gateways=("Milan",),
            weight=6,
        ),
        Market(
            code="NL", currency="EUR", email_domain="example.nl",
            phone_prefixes=("+316",), phone_digits=8,
            given_names=("Daan", "Sem", "Emma", "Julia", "Lars", "Sanne", "Thijs", "Fleur", "Bram", "Lotte"),
            family_names=("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit",
                          "Meijer", "de Boer", "Mulder"),
            cities=(
                City("Amsterdam", "Amsterdam", "10## AA"),
                City("Rotterdam", "Rotterdam", "30## AA"),
                City("Utrecht", "Utrecht", "35## AA"),
                City("Den Haag", "The Hague", "25## AA"),
                City("Eindhoven", "Eindhoven", "56## AA"),
            ),
            streets=("Kerkstraat {n}", "Prinsengracht {n}", "Dorpsstraat {n}", "Stationsweg {n}"),
            payment_methods=(("ideal", 60), ("card", 20), ("paypal", 20)),
            gateways=("Amsterdam",),
            weight=4,
        ),
        Market(
            code="BR", currency="BRL", email_domain="example.com.br",
            phone_prefixes=("+55119", "+55219", "+55319", "+55419", "+55519"), phone_digits=8,
            given_names=("Ana", "João", "Gabriel", "Maria", "Lucas", "Juliana", "Pedro", "Beatriz", "Rafael",
                         "Larissa"),
            family_names=("Souza", "Silva", "Santos", "Oliveira", "Pereira", "Lima", "Costa", "Ferreira",
                          "Almeida", "Carvalho"),
            cities=(
                City("São Paulo", "Sao Paulo", "0####-###"),
                City("Rio de Janeiro", "Rio de Janeiro", "2####-###"),
                City("Belo Horizonte", "Belo Horizonte", "30###-###"),
                City("Curitiba", "Curitiba", "80###-###"),
                City("Porto Alegre", "Porto Alegre", "90###-###"),
            ),
            streets=("Rua das Flores, {n}", "Avenida Paulista, {n}, apto {a}", "Rua Augusta, {n}",
                     "Rua XV de Novembro, {n}"),
            payment_methods=(("pix", 45), ("card", 35), ("boleto", 20)),
            gateways=("Curitiba", "Sao Paulo"),
            weight=7,
        ),
        Market(
            code="RU", currency="RUB", email_domain="example.ru",
            phone_prefixes=("+79",), phone_digits=9,
            given_names=(("Иван", "ivan", "m"), ("Алексей", "aleksei", "m"), ("Дмитрий", "dmitry", "m"),
                         ("Сергей", "sergei", "m"), ("Михаил", "mikhail", "m"), ("Анна", "anna", "f"),
                         ("Мария", "maria", "f"), ("Елена", "elena", "f"), ("Ольга", "olga", "f"),
                         ("Наталья", "natalia", "f")),
            family_names=(("Иванов", "ivanov", "Иванова", "ivanova"), ("Смирнов", "smirnov", "Смирнова", "smirnova"),
                          ("Кузнецов", "kuznetsov", "Кузнецова", "kuznetsova"), ("Попов", "popov", "Попова", "popova"),
                          ("Соколов", "sokolov", "Соколова", "sokolova"), ("Лебедев", "lebedev", "Лебедева", "lebedeva"),
                          ("Новиков", "novikov", "Новикова", "novikova"), ("Морозов", "morozov", "Морозова", "morozova")),
            cities=(
                City("Москва", "Moscow", "1#####"),
                City("Санкт-Петербург", "Saint Petersburg", "19####"),
                City("Казань", "Kazan", "420###"),
                City("Новосибирск", "Novosibirsk", "630###"),
                City("Екатеринбург", "Yekaterinburg", "620###"),
            ),
            streets=("ул. Ленина, д. {n}, кв. {a}", "пр. Мира, д. {n}", "ул. Пушкина, д. {n}, кв. {a}",
                     "ул. Гагарина, д. {n}"),
            payment_methods=(("card", 70), ("sbp", 30)),
            gateways=("Moscow",),
            weight=5,
        ),
        Market(
            code="SA", currency="SAR", email_domain="example.sa",
            phone_prefixes=("+9665",), phone_digits=8,
            given_names=(("محمد", "mohammed"), ("عبدالله", "abdullah"), ("فهد", "fahad"), ("خالد", "khalid"),
                         ("سلطان", "sultan"), ("نورة", "noura"), ("سارة", "sara"), ("ريم", "reem"),
                         ("لمى", "lama"), ("هيفاء", "haifa")),
            family_names=(("العتيبي", "alotaibi"), ("القحطاني", "alqahtani"), ("الغامدي", "alghamdi"),
                          ("الشهري", "alshehri"), ("الحربي", "alharbi"), ("الزهراني", "alzahrani"),
                          ("الدوسري", "aldosari"), ("المطيري", "almutairi")),
            cities=(
                City("الرياض", "Riyadh", "1####"),
                City("جدة", "Jeddah", "2####"),
                City("الدمام", "Dammam", "3####"),
            ),
            streets=("طريق الملك فهد {n}", "شارع التحلية {n}", "شارع الأمير سلطان {n}"),
            payment_methods=(("mada", 45), ("card", 25), ("apple_pay", 20), ("tabby", 10)),
            gateways=("Riyadh", "Jeddah"),
            weight=4,
        ),
        Market(
            code="JP", currency="JPY", email_domain="example.jp",
            phone_prefixes=("+8190", "+8180", "+8170"), phone_digits=8,
            given_names=(("花子", "hanako"), ("翔太", "shota"), ("陽菜", "hina"), ("健太", "kenta"),
                         ("美咲", "misaki"), ("大輔", "daisuke"), ("結衣", "yui"), ("拓海", "takumi"),
                         ("さくら", "sakura"), ("蓮", "ren")),
            family_names=(("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"),
                          ("伊藤", "ito"), ("渡辺", "watanabe"), ("山本", "yamamoto"), ("中村", "nakamura"),
                          ("小林", "kobayashi"), ("加藤", "kato")),
            cities=(
                City("東京都", "Tokyo", "1##-####", ("渋谷区神南{b}-{c}-{d}", "新宿区西新宿{b}-{c}-{d}",
                                                     "世田谷区三軒茶屋{b}-{c}-{d}")),
                City("大阪府", "Osaka", "5##-####", ("大阪市北区梅田{b}-{c}-{d}", "大阪市中央区難波{b}-{c}-{d}")),
                City("神奈川県", "Yokohama", "2##-####", ("横浜市西区みなとみらい{b}-{c}-{d}",)),
                City("福岡県", "Fukuoka", "8##-####", ("福岡市中央区天神{b}-{c}-{d}",)),
                City("北海道", "Sapporo", "06#-####", ("札幌市中央区大通西{b}-{c}",)),
            ),
            streets=(),
            payment_methods=(("card", 60), ("konbini", 25), ("paypay", 15)),
            gateways=("Tokyo", "Osaka"),
            name_style="family given",
            weight=6,
        ),
        Market(
            code="CN", currency="CNY", email_domain="example.cn",
            phone_prefixes=("+86138", "+86139", "+86186", "+86150"), phone_digits=8,
            given_names=(("芳", "fang"), ("伟", "wei"), ("娜", "na"), ("静", "jing"), ("磊", "lei"),
                         ("敏", "min"), ("强", "qiang"), ("婷", "ting"), ("洋", "yang"), ("晓明", "xiaoming")),
            family_names=(("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
                          ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("周", "zhou"), ("吴", "wu")),
            cities=(
                City("上海", "Shanghai", "200###", ("浦东新区世纪大道{n}号", "徐汇区漕溪北路{n}号")),
                City("北京", "Beijing", "100###", ("朝阳区建国路{n}号", "海淀区中关村大街{n}号")),
                City("广州", "Guangzhou", "510###", ("天河区天河路{n}号",)),
                City("深圳", "Shenzhen", "518###", ("南山区科技园南路{n}号", "福田区深南大道{n}号")),
                City("杭州", "Hangzhou", "310###", ("西湖区文三路{n}号",)),
                City("成都", "Chengdu", "610###", ("锦江区春熙路{n}号",)),
            ),
            streets=(),
            payment_methods=(("alipay", 55), ("wechat_pay", 40), ("unionpay", 5)),
            gateways=("Shenzhen", "Shanghai"),
            name_style="familygiven",
            email_style="family.given",
            weight=5,
        ),
        Market(
            code="MX", currency="MXN", email_domain="example.com.mx",
            phone_prefixes=("+5255", "+5233", "+5281"), phone_digits=8,
            given_names=("José", "Guadalupe", "Luis", "Fernanda", "Diego", "Valeria", "Carlos", "Ximena",
                         "Miguel", "Daniela"),
            family_names=("Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez",
                          "Sánchez", "Ramírez", "Flores"),
            cities=(
                City("Ciudad de México", "Mexico City", "0####"),
                City("Guadalajara", "Guadalajara", "44###"),
                City("Monterrey", "Monterrey", "64###"),
                City("Puebla", "Puebla", "72###"),
            ),
            streets=("Av. Insurgentes Sur {n}", "Calle Reforma {n}, Int. {a}", "Av. Juárez {n}",
                     "Calle Hidalgo {n}"),
            payment_methods=(("card", 45), ("oxxo", 25), ("mercado_pago", 20), ("paypal", 10)),
            gateways=("Mexico City",),
            weight=5,
        ),
        Market(
            code="AU", currency="AUD", email_domain="example.com.au",
            phone_prefixes=("+614",), phone_digits=8,
            given_names=("Jack", "Charlotte", "William", "Olivia", "Noah", "Mia", "Lachlan", "Chloe", "Isla",
                         "Cooper"),
            family_names=("Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson",
                          "Martin", "White"),
            cities=(
                City("Sydney", "Sydney", "2###"),
                City("Melbourne", "Melbourne", "3###"),
                City("Brisbane", "Brisbane", "4###"),
                City("Perth", "Perth", "6###"),
            ),
            streets=("{n} George Street", "Unit {a}, {n} Beach Road", "{n} King Street", "{n} Bridge Road"),
            payment_methods=(("card", 50), ("afterpay", 25), ("paypal", 15), ("apple_pay", 10)),
            gateways=("Sydney", "Melbourne"),
            weight=5,
        ),
        Market(
            code="CA", currency="CAD", email_domain="example.ca",
            phone_prefixes=("+141655501", "+160455501", "+151455501", "+140355501"), phone_digits=2,
            given_names=("Liam", "Emma", "Noah", "Charlotte", "Benjamin", "Léa", "William", "Alice", "Félix",
                         "Amelia"),
            family_names=("Tremblay", "Smith", "Roy", "Gagnon", "Lee", "Wilson", "Côté", "MacDonald", "Brown",
                          "Martin"),
            cities=(
                City("Toronto", "Toronto", "M#A #A#", ("{n} Queen Street West", "{n} Yonge Street, Unit {a}")),
                City("Vancouver", "Vancouver", "V#A #A#"),
                City("Montréal", "Montreal", "H#A #A#", ("{n} rue Sainte-Catherine", "{n} boulevard Saint-Laurent")),
                City("Calgary", "Calgary", "T#A #A#"),
            ),
            streets=("{n} Maple Avenue", "{n} King Street, Unit {a}", "{n} Main Street"),
            payment_methods=(("card", 60), ("paypal", 25), ("apple_pay", 15)),
            gateways=("Toronto", "Vancouver"),
            weight=5,
        ),
    )
}

# Rough retail conversion rates from the catalog's USD prices.
USD_RATES: dict[str, Decimal] = {
    "USD": Decimal("1"), "GBP": Decimal("0.79"), "EUR": Decimal("0.92"), "BRL": Decimal("5.0"),
    "RUB": Decimal("90"), "SAR": Decimal("3.75"), "JPY": Decimal("150"), "CNY": Decimal("7.2"),
    "MXN": Decimal("17"), "AUD": Decimal("1.52"), "CAD": Decimal("1.36"),
}
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY"})


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    usd_price: Decimal
    variants: tuple[str, ...] = ()  # sizes / colours the shop sells; empty for one-size goods


def _sized(sizes: str, colours: str) -> tuple[str, ...]:
    """Variant names as the shop prints them, "M / black", every size in every colour."""
    return tuple(f"{size} / {colour}" for colour in colours.split(",") for size in sizes.split(","))


_LETTER = "XS,S,M,L,XL"
_SHOE = ",".join(f"EU {size}" for size in range(37, 46))
_VARIANTS: dict[str, tuple[str, ...]] = {
    "APP-1001": _sized(_LETTER, "white,black,sand"),
    "APP-1002": _sized(_LETTER, "sand,navy,sage"),
    "APP-1003": _sized("28,30,32,34,36", "beige,navy,olive"),
    "APP-1004": _sized(_LETTER, "grey,black,forest green"),
    "APP-1005": _sized(_LETTER, "black,yellow"),
    "APP-1006": _sized(_LETTER, "navy,camel,charcoal"),
    "SHO-2001": _sized(_SHOE, "white,black"),
    "SHO-2002": _sized(_SHOE, "black,cognac"),
    "SHO-2003": _sized(_SHOE, "white,navy"),
    "SHO-2004": _sized(_SHOE, "brown"),
    "SPO-7003": _sized("S,M,L,XL", "black"),
    "UND-1101": _sized("S,M,L,XL", "black,nude"),
    "UND-1102": _sized("S,M,L,XL", "grey,navy"),
}

PRODUCTS: tuple[Product, ...] = tuple(
    Product(sku, name, category, Decimal(price), _VARIANTS.get(sku, ()))
    for sku, name, category, price in (
        ("APP-1001", "Oversized Cotton T-Shirt", "apparel", "19.90"),
        ("APP-1002", "Linen Summer Dress", "apparel", "45.00"),
        ("APP-1003", "Slim Fit Chinos", "apparel", "39.50"),
        ("APP-1004", "Hooded Sweatshirt", "apparel", "34.90"),
        ("APP-1005", "Waterproof Rain Jacket", "apparel", "69.00"),
        ("APP-1006", "Merino Wool Sweater", "apparel", "59.00"),
        ("SHO-2001", "Running Sneakers", "shoes", "79.00"),
        ("SHO-2002", "Leather Ankle Boots", "shoes", "119.00"),
        ("SHO-2003", "Canvas Slip-On Shoes", "shoes", "29.90"),
        ("SHO-2004", "Waterproof Hiking Boots", "shoes", "99.00"),
        ("ELE-3001", "Wireless Earbuds", "electronics", "49.99"),
        ("ELE-3002", "Smartwatch Fitness Tracker", "electronics", "89.00"),
        ("ELE-3003", "20000mAh Power Bank", "electronics", "32.99"),
        ("ELE-3004", "Portable Bluetooth Speaker", "electronics", "39.99"),
        ("ELE-3005", "65W USB-C Fast Charger", "electronics", "24.99"),
        ("ELE-3006", "Mechanical Keyboard", "electronics", "74.00"),
        ("ELE-3007", "4K Action Camera", "electronics", "129.00"),
        ("BEA-4001", "Vitamin C Serum 30ml", "beauty", "18.50"),
        ("BEA-4002", "Hydrating Face Cream 50ml", "beauty", "22.00"),
        ("BEA-4003", "Matte Lipstick Set", "beauty", "15.90"),
        ("BEA-4004", "Ceramic Hair Straightener", "beauty", "45.00"),
        ("BEA-4005", "Sheet Mask Pack (10)", "beauty", "12.99"),
        ("HOM-5001", "Ceramic Pour-Over Coffee Set", "home", "36.00"),
        ("HOM-5002", "LED Desk Lamp", "home", "29.99"),
        ("HOM-5003", "Bamboo Bed Sheet Set", "home", "64.00"),
        ("HOM-5004", "Ultrasonic Aroma Diffuser", "home", "27.50"),
        ("HOM-5005", "Non-Stick Frying Pan 28cm", "home", "34.00"),
        ("TOY-6001", "Building Blocks Set (1200 pcs)", "toys", "49.00"),
        ("TOY-6002", "Remote Control Car", "toys", "39.00"),
        ("TOY-6003", "Plush Panda 40cm", "toys", "19.99"),
        ("TOY-6004", "Magnetic Drawing Board", "toys", "14.99"),
        ("SPO-7001", "Yoga Mat 6mm", "sports", "24.90"),
        ("SPO-7002", "Adjustable Dumbbells 2x10kg", "sports", "89.00"),
        ("SPO-7003", "Cycling Gloves", "sports", "16.50"),
        ("ACC-8001", "Polarized Sunglasses", "accessories", "21.00"),
        ("ACC-8002", "Leather Card Wallet", "accessories", "25.00"),
        ("ACC-8003", "Silk Scarf", "accessories", "29.00"),
        ("ACC-8004", "Stainless Steel Watch", "accessories", "69.00"),
        ("BAG-9001", "Anti-Theft Backpack", "bags", "42.00"),
        ("BAG-9002", "Crossbody Bag", "bags", "33.00"),
        ("BAG-9003", "Carry-On Suitcase 20in", "bags", "119.00"),
        # Hygiene goods: not returnable once opened (the shop's policy, applied by the assistant).
        ("UND-1101", "Seamless Briefs (3-pack)", "underwear", "24.90"),
        ("UND-1102", "Cotton Boxer Briefs (3-pack)", "underwear", "27.00"),
        ("COS-4101", "Eau de Parfum 50ml", "cosmetics", "39.00"),
    )
)
PRODUCTS_BY_SKU: dict[str, Product] = {product.sku: product for product in PRODUCTS}


@dataclass(frozen=True)
class Carrier:
    code: str
    service: str  # express, dedicated_line, postal
    weight: int
    ships_to_cn: bool  # carriers that bring parcels into mainland China from Hong Kong


CARRIERS: dict[str, Carrier] = {
    c.code: c
    for c in (
        Carrier("yunexpress", "dedicated_line", 22, ships_to_cn=False),
        Carrier("cainiao", "dedicated_line", 20, ships_to_cn=True),
        Carrier("china_post", "postal", 14, ships_to_cn=False),
        Carrier("dhl", "express", 12, ships_to_cn=True),
        Carrier("ups", "express", 10, ships_to_cn=True),
        Carrier("fedex", "express", 10, ships_to_cn=True),
        Carrier("hongkong_post", "postal", 8, ships_to_cn=True),
    )
}

# Door-to-door days by service.
TRANSIT_DAYS: dict[str, tuple[float, float]] = {
    "express": (3, 7),
    "dedicated_line": (7, 15),
    "postal": (15, 30),
}

# Fulfilment warehouses (English city, country) and export gateways.
MAINLAND_WAREHOUSES = ("Shenzhen", "Guangzhou", "Yiwu", "Dongguan")
MAINLAND_EXPORT_GATEWAYS = ("Shenzhen", "Guangzhou", "Shanghai")
HONG_KONG = "Hong Kong"

# Carrier wording by service style and event code.
EVENT_WORDING: dict[str, dict[str, tuple[str, ...]]] = {
    "express": {
        "label_created": ("Shipment information received", "Label created, awaiting pickup"),
        "picked_up": ("Shipment picked up", "Picked up by courier"),
        "departed_origin_facility": ("Departed facility", "Processed at origin facility and departed"),
        "export_customs_cleared": ("Export clearance complete", "Customs export status updated: released"),
        "departed_origin_country": ("Departed origin country on scheduled flight", "Flight departed"),
        "arrived_destination_country": ("Arrived at destination gateway", "Arrived at hub in destination country"),
        "import_customs_processing": ("Clearance processing in progress", "Import customs clearance started"),
        "customs_held": ("Clearance delay: import duties and taxes owed by the recipient",
                         "Clearance delay: additional documentation required from the recipient",
                         "Held by customs for inspection"),
        "import_customs_cleared": ("Clearance processing complete", "Released by customs"),
        "arrived_delivery_facility": ("Arrived at delivery facility", "Arrived at local courier facility"),
        "out_for_delivery": ("Out for delivery", "With delivery courier"),
        "delivery_attempt_failed": ("Delivery attempted: recipient not available",
                                    "Delivery attempted: business closed",
                                    "Delivery attempted: address incomplete, contacting recipient"),
        "delivered": ("Delivered", "Delivered - left at front door", "Delivered - signed for at reception"),
        "exception_lost": ("Shipment could not be located; trace closed, claim initiated",
                           "Exception: shipment missing after last scan"),
        "returned_to_sender": ("Returned to shipper: recipient unavailable after final delivery attempt",
                               "Return to shipper initiated: delivery refused by recipient"),
    },
    "dedicated_line": {
        "label_created": ("Order information received by carrier", "Shipping label created"),
        "picked_up": ("Parcel received at collection point", "Picked up from merchant warehouse"),
        "departed_origin_facility": ("Departed sorting center", "Processed at sorting center"),
        "export_customs_cleared": ("Export customs clearance completed",),
        "departed_origin_country": ("Departed from origin country, in flight", "Handed over to airline"),
        "arrived_destination_country": ("Arrived at destination country", "Flight arrived at destination airport"),
        "import_customs_processing": ("Import customs clearance in progress", "Awaiting import customs clearance"),
        "customs_held": ("Held by customs: import duties unpaid",
                         "Customs inspection: parcel held pending documents"),
        "import_customs_cleared": ("Import customs clearance completed", "Released from customs"),
        "arrived_delivery_facility": ("Handed over to last-mile carrier", "Arrived at local delivery station"),
        "out_for_delivery": ("Out for delivery with last-mile carrier", "Parcel is out for delivery"),
        "delivery_attempt_failed": ("Delivery attempt failed: recipient not at home",
                                    "Delivery attempt failed: unable to access address"),
        "delivered": ("Delivered", "Delivered to parcel locker", "Delivered to neighbour"),
        "exception_lost": ("Parcel lost in transit; compensation process started",),
        "returned_to_sender": ("Returned to sender: undeliverable", "Return to sender: refused by recipient"),
    },
    "postal": {
        "label_created": ("Electronic information submitted by shipper", "Pre-advice received"),
        "picked_up": ("Posting/Collection", "Acceptance"),
        "departed_origin_facility": ("Departed processing center", "Dispatched from processing center"),
        "export_customs_cleared": ("Export customs clearance completed", "Released by export customs"),
        "departed_origin_country": ("Dispatch from outward office of exchange",
                                    "Departure from outward office of exchange"),
        "arrived_destination_country": ("Arrival at inward office of exchange",
                                        "Received by destination postal operator"),
        "import_customs_processing": ("Handed over to customs", "Presented to import customs"),
        "customs_held": ("Retention by customs: duties to be paid", "Retained by customs: documents required"),
        "import_customs_cleared": ("Return from customs", "Released by customs"),
        "arrived_delivery_facility": ("Arrival at delivery office", "Arrived at delivery office"),
        "out_for_delivery": ("Out for delivery", "Item with postman for delivery"),
        "delivery_attempt_failed": ("Unsuccessful delivery: addressee absent, notice left",
                                    "Unsuccessful delivery: addressee absent, item held at post office"),
        "delivered": ("Final delivery", "Delivered to addressee", "Delivered to mailbox"),
        "exception_lost": ("Item not found: declared lost", "Item lost"),
        "returned_to_sender": ("Returned to sender: unclaimed at post office", "Returned to sender"),
    },
}
