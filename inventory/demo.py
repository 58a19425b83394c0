"""Demo catalog, warehouses and initial stock for ``manage.py seed_demo`` (idempotent).

Stock enters through the inventory service (one batch of receipts), so the ledger
explains every unit from the start.
"""

import random
import zlib
from decimal import Decimal

from django.db import transaction

from core.messages import Msg
from core.models import TaxCategory

from . import demo_names, services
from .models import Category, Product, StockItem, StockMovement, Warehouse

CATEGORIES = [
    {
        "name": "Electrónica",
        "returnable": True,
        "return_window_days": 14,
        "return_conditions": "En su embalaje original, con todos los accesorios y precintos.",
        "return_shipping_paid_by": "buyer",
        "restocking_fee_percent": Decimal("10.00"),
    },
    {
        "name": "Ropa laboral",
        "returnable": True,
        "return_window_days": 30,
        "return_conditions": "Sin usar y con las etiquetas puestas.",
        "return_shipping_paid_by": "buyer",
        "restocking_fee_percent": Decimal("0.00"),
    },
    {
        "name": "Material de oficina",
        "returnable": True,
        "return_window_days": 7,
        "return_conditions": "En su estado original, sin abrir ni usar.",
        "return_shipping_paid_by": "buyer",
        "restocking_fee_percent": Decimal("0.00"),
    },
    {
        "name": "Productos personalizados",
        "returnable": False,
        "return_window_days": 0,
        "return_conditions": "Los artículos personalizados no admiten devolución salvo defecto.",
        "return_shipping_paid_by": "seller",
        "restocking_fee_percent": Decimal("0.00"),
    },
]

WAREHOUSES = [
    {
        "code": "MAD",
        "name": "Madrid · San Fernando de Henares",
        "address": "Polígono Industrial Las Fronteras, Calle de la Industria 12\n"
        "28830 San Fernando de Henares (Madrid)",
        "is_default": True,
    },
    {
        "code": "WAW",
        "name": "Warszawa · Błonie",
        "address": "ul. Logistyczna 5\n05-870 Błonie (mazowieckie)",
    },
    {
        "code": "BCN",
        "name": "Barcelona · El Prat",
        "address": "Carrer del Transport 8, ZAL Port\n08820 El Prat de Llobregat (Barcelona)",
    },
]

# (SKU prefix, name, net price, weight kg, variants); Spanish lines sell from Spain at
# 21 % VAT, Polish lines (names in Polish) from Poland at 23 %.
SIZES = ["S", "M", "L", "XL", "XXL"]
CATALOG = {
    "Electrónica": {
        "es": [
            ("EL-AUR", "Auriculares inalámbricos Bluetooth", "39.90", "0.250", ["Negro", "Blanco"]),
            ("EL-ALT", "Altavoz portátil resistente al agua", "49.00", "0.600", ["Negro", "Azul"]),
            ("EL-CRG", "Cargador USB-C 65 W", "29.50", "0.180", ["1 puerto", "3 puertos"]),
            ("EL-PWB", "Batería externa 20.000 mAh", "34.90", "0.420", ["Negra", "Gris"]),
            ("EL-RAT", "Ratón óptico inalámbrico", "14.90", "0.090", ["Negro", "Gris"]),
            ("EL-TEC", "Teclado USB español", "19.90", "0.550", ["Compacto", "Completo"]),
            ("EL-MON", "Monitor LED 24 pulgadas Full HD", "129.00", "3.900", ["HDMI", "USB-C"]),
            ("EL-WEB", "Cámara web 1080p con micrófono", "44.00", "0.200", ["Estándar"]),
            ("EL-HUB", "Hub USB-C 7 en 1", "32.00", "0.120", ["Gris"]),
            ("EL-SSD", "Disco SSD externo", "79.00", "0.080", ["500 GB", "1 TB"]),
            ("EL-PEN", "Memoria USB 3.2", "9.90", "0.020", ["64 GB", "128 GB"]),
            ("EL-REG", "Regleta con protección 6 tomas", "18.50", "0.700", ["1,5 m", "3 m"]),
            ("EL-LIN", "Linterna LED recargable", "16.90", "0.250", ["300 lm", "1000 lm"]),
            ("EL-WAL", "Walkie-talkie profesional (pareja)", "89.00", "0.500", ["Estándar"]),
            ("EL-TAB", "Tableta 10 pulgadas 64 GB", "189.00", "0.480", ["Wi-Fi", "4G"]),
            ("EL-ROU", "Router Wi-Fi 6 doble banda", "69.00", "0.650", ["Estándar"]),
            ("EL-CAB", "Cable HDMI 2.1", "7.90", "0.100", ["1 m", "2 m", "5 m"]),
            ("EL-PIL", "Pilas alcalinas AA (pack 24)", "11.90", "0.580", ["AA", "AAA"]),
        ],
        "pl": [
            (
                "EL-PL-SLU",
                "Słuchawki bezprzewodowe z redukcją szumów",
                "229.00",
                "0.280",
                ["Czarne", "Białe"],
            ),
            (
                "EL-PL-GLO",
                "Głośnik przenośny wodoodporny",
                "199.00",
                "0.600",
                ["Czarny", "Niebieski"],
            ),
            (
                "EL-PL-LAD",
                "Ładowarka sieciowa USB-C 65 W",
                "129.00",
                "0.180",
                ["1 port", "3 porty"],
            ),
            ("EL-PL-POW", "Powerbank 20000 mAh", "149.00", "0.420", ["Czarny", "Szary"]),
            ("EL-PL-MYS", "Mysz bezprzewodowa", "59.00", "0.090", ["Czarna", "Szara"]),
            ("EL-PL-KLA", "Klawiatura USB polski układ", "89.00", "0.550", ["Kompaktowa", "Pełna"]),
            ("EL-PL-MON", "Monitor LED 27 cali", "749.00", "4.800", ["HDMI", "USB-C"]),
            ("EL-PL-KAM", "Kamera internetowa Full HD", "179.00", "0.200", ["Standard"]),
            (
                "EL-PL-LIS",
                "Listwa zasilająca z ochroną 5 gniazd",
                "69.00",
                "0.700",
                ["1,5 m", "3 m"],
            ),
            ("EL-PL-LAT", "Latarka LED akumulatorowa", "79.00", "0.250", ["300 lm", "1000 lm"]),
            ("EL-PL-DYS", "Dysk SSD zewnętrzny", "349.00", "0.080", ["500 GB", "1 TB"]),
            ("EL-PL-BAT", "Baterie alkaliczne (24 szt.)", "49.00", "0.580", ["AA", "AAA"]),
        ],
    },
    "Ropa laboral": {
        "es": [
            ("RL-CHQ", "Chaqueta de trabajo multibolsillos", "34.90", "0.900", SIZES),
            ("RL-PAN", "Pantalón de trabajo con rodilleras", "27.50", "0.700", SIZES),
            ("RL-POL", "Polo de trabajo algodón", "12.90", "0.250", SIZES),
            ("RL-CAM", "Camiseta alta visibilidad", "9.90", "0.200", SIZES),
            ("RL-CHL", "Chaleco reflectante", "6.50", "0.150", SIZES),
            ("RL-PAR", "Parka impermeable acolchada", "59.00", "1.400", SIZES),
            ("RL-BUZ", "Buzo de trabajo", "32.00", "1.100", SIZES),
            ("RL-BAT", "Bata sanitaria", "18.90", "0.400", SIZES),
            ("RL-BOT", "Botas de seguridad S3", "49.90", "1.600", ["40", "41", "42", "43", "44"]),
            ("RL-GUA", "Guantes de nitrilo (caja 100)", "8.90", "0.600", ["S", "M", "L", "XL"]),
            ("RL-GAF", "Gafas de protección antivaho", "5.90", "0.060", ["Incoloras", "Solares"]),
            (
                "RL-CAS",
                "Casco de seguridad ventilado",
                "12.50",
                "0.400",
                ["Blanco", "Amarillo", "Azul"],
            ),
            (
                "RL-TAP",
                "Tapones auditivos (caja 200)",
                "19.90",
                "0.500",
                ["Con cordón", "Sin cordón"],
            ),
            ("RL-FAJ", "Faja lumbar de trabajo", "14.90", "0.300", ["S", "M", "L", "XL"]),
        ],
        "pl": [
            ("RL-PL-KUR", "Kurtka robocza ocieplana", "189.00", "1.200", SIZES),
            ("RL-PL-SPO", "Spodnie robocze do pasa", "119.00", "0.700", SIZES),
            ("RL-PL-OGR", "Ogrodniczki robocze", "139.00", "0.900", SIZES),
            ("RL-PL-KOS", "Koszulka polo robocza", "49.00", "0.250", SIZES),
            ("RL-PL-KAM", "Kamizelka ostrzegawcza", "19.00", "0.150", SIZES),
            ("RL-PL-BUT", "Buty robocze S3", "219.00", "1.600", ["40", "41", "42", "43", "44"]),
            (
                "RL-PL-REK",
                "Rękawice robocze powlekane (12 par)",
                "39.00",
                "0.500",
                ["8", "9", "10", "11"],
            ),
            ("RL-PL-KAS", "Kask ochronny", "49.00", "0.400", ["Biały", "Żółty", "Niebieski"]),
            ("RL-PL-BLU", "Bluza polarowa robocza", "89.00", "0.600", SIZES),
        ],
    },
    "Material de oficina": {
        "es": [
            (
                "OF-PAP",
                "Papel multifunción A4 80 g (caja 5 paquetes)",
                "21.90",
                "12.500",
                ["Blanco"],
            ),
            (
                "OF-BOL",
                "Bolígrafo de tinta gel (caja 12)",
                "7.90",
                "0.150",
                ["Azul", "Negro", "Rojo"],
            ),
            (
                "OF-ARC",
                "Archivador de palanca A4",
                "3.20",
                "0.450",
                ["Lomo ancho", "Lomo estrecho"],
            ),
            ("OF-CAR", "Carpeta de gomas", "1.90", "0.120", ["Azul", "Roja", "Verde"]),
            ("OF-GRA", "Grapadora de sobremesa", "9.50", "0.300", ["Estándar", "Gran capacidad"]),
            ("OF-GRP", "Grapas 24/6 (caja 5000)", "2.40", "0.150", ["Estándar"]),
            ("OF-POS", "Notas adhesivas 76x76 (pack 12)", "8.90", "0.400", ["Amarillo", "Neón"]),
            (
                "OF-CUA",
                "Cuaderno espiral A4 cuadrícula",
                "2.90",
                "0.350",
                ["Tapa dura", "Tapa blanda"],
            ),
            (
                "OF-SOB",
                "Sobres autoadhesivos DL (caja 500)",
                "14.90",
                "2.400",
                ["Con ventana", "Sin ventana"],
            ),
            ("OF-ROT", "Rotulador fluorescente (pack 4)", "3.90", "0.060", ["Surtido"]),
            ("OF-TIJ", "Tijeras de oficina 21 cm", "3.50", "0.080", ["Estándar"]),
            ("OF-CIN", "Cinta adhesiva transparente (pack 8)", "5.90", "0.300", ["19 mm", "25 mm"]),
            ("OF-CAL", "Calculadora de sobremesa 12 dígitos", "12.90", "0.200", ["Estándar"]),
            (
                "OF-ETI",
                "Etiquetas adhesivas A4 (100 hojas)",
                "16.50",
                "0.900",
                ["24 por hoja", "8 por hoja"],
            ),
            (
                "OF-TON",
                "Tóner compatible láser",
                "39.00",
                "0.800",
                ["Negro", "Cian", "Magenta", "Amarillo"],
            ),
            ("OF-PIZ", "Pizarra blanca magnética", "34.00", "4.000", ["60x90", "90x120"]),
            ("OF-DES", "Destructora de papel corte cruzado", "89.00", "6.500", ["Estándar"]),
            ("OF-BAN", "Bandeja portadocumentos apilable", "4.50", "0.300", ["Negra", "Azul"]),
            (
                "OF-TIN",
                "Cartucho de tinta compatible",
                "14.90",
                "0.100",
                ["Negro", "Cian", "Magenta", "Amarillo"],
            ),
            ("OF-FUN", "Fundas multitaladro A4 (caja 100)", "4.90", "0.700", ["Lisas", "Rugosas"]),
        ],
        "pl": [
            ("OF-PL-PAP", "Papier ksero A4 80 g (karton 5 ryz)", "99.00", "12.500", ["Biały"]),
            ("OF-PL-DLU", "Długopis żelowy (12 szt.)", "32.00", "0.150", ["Niebieski", "Czarny"]),
            ("OF-PL-SEG", "Segregator A4", "12.90", "0.450", ["Szeroki", "Wąski"]),
            ("OF-PL-TEC", "Teczka z gumką", "6.50", "0.120", ["Niebieska", "Czerwona"]),
            ("OF-PL-ZSZ", "Zszywacz biurowy", "39.00", "0.300", ["Standard", "Duży"]),
            (
                "OF-PL-KAR",
                "Karteczki samoprzylepne (12 bloczków)",
                "35.00",
                "0.400",
                ["Żółte", "Neonowe"],
            ),
            (
                "OF-PL-ZES",
                "Zeszyt A4 w kratkę",
                "9.90",
                "0.350",
                ["Twarda okładka", "Miękka okładka"],
            ),
            (
                "OF-PL-KOP",
                "Koperty samoprzylepne DL (500 szt.)",
                "59.00",
                "2.400",
                ["Z okienkiem", "Bez okienka"],
            ),
            ("OF-PL-ZAK", "Zakreślacz (4 szt.)", "15.90", "0.060", ["Mix"]),
            (
                "OF-PL-TAS",
                "Taśma klejąca przezroczysta (8 szt.)",
                "22.00",
                "0.300",
                ["19 mm", "25 mm"],
            ),
            ("OF-PL-KAL", "Kalkulator biurowy 12-cyfrowy", "49.00", "0.200", ["Standard"]),
            (
                "OF-PL-TON",
                "Toner zamienny do drukarki laserowej",
                "159.00",
                "0.800",
                ["Czarny", "Kolor"],
            ),
            (
                "OF-PL-TAB",
                "Tablica suchościeralna magnetyczna",
                "149.00",
                "4.000",
                ["60x90", "90x120"],
            ),
            ("OF-PL-NIS", "Niszczarka dokumentów", "379.00", "6.500", ["Standard"]),
            (
                "OF-PL-TUS",
                "Tusz do drukarki atramentowej",
                "69.00",
                "0.100",
                ["Czarny", "Cyan", "Magenta", "Żółty"],
            ),
        ],
    },
    "Productos personalizados": {
        "es": [
            ("PE-TAZ", "Taza cerámica con logotipo", "4.90", "0.350", ["Blanca", "Negra"]),
            ("PE-CAM", "Camiseta bordada con logotipo", "11.50", "0.200", SIZES),
            (
                "PE-BOL",
                "Bolígrafo grabado con logotipo (pack 50)",
                "24.00",
                "0.600",
                ["Azul", "Negro"],
            ),
            ("PE-BOS", "Bolsa tote serigrafiada", "3.90", "0.150", ["Natural", "Negra"]),
            ("PE-LLA", "Llavero metálico grabado", "2.90", "0.030", ["Plata"]),
            ("PE-SEL", "Sello de caucho personalizado", "18.00", "0.120", ["Automático"]),
        ],
        "pl": [
            ("PE-PL-KUB", "Kubek z nadrukiem logo", "19.00", "0.350", ["Biały", "Czarny"]),
            ("PE-PL-KOS", "Koszulka z haftem logo", "45.00", "0.200", SIZES),
            ("PE-PL-DLU", "Długopis z grawerem (50 szt.)", "99.00", "0.600", ["Niebieski"]),
            ("PE-PL-TOR", "Torba bawełniana z nadrukiem", "15.00", "0.150", ["Naturalna"]),
        ],
    },
}


def _products():
    """Every demo product as a dict, in a stable order (SKUs are derived, not random)."""
    for category, markets in CATALOG.items():
        for market, families in markets.items():
            for prefix, name, price, weight, variants in families:
                names = demo_names.family_names(name, market)
                for index, variant in enumerate(variants, start=1):
                    labels = demo_names.variant_names(variant, market)
                    yield {
                        "sku": f"{prefix}-{index:02d}",
                        "name": {
                            language: f"{text} · {labels[language]}" if len(variants) > 1 else text
                            for language, text in names.items()
                        },
                        "category": category,
                        "market": market,
                        "unit_price": Decimal(price),
                        "tax_category": TaxCategory.STANDARD,
                        "weight_kg": Decimal(weight),
                        "external_ref": f"ERP-P-{prefix}-{index:02d}",
                    }


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    """Create the demo catalog and warehouses and receive their initial stock once."""
    categories = {}
    for data in CATEGORIES:
        category = Category.objects.filter(name_es=data["name"]).first()
        translated = demo_names.CATEGORIES[data["name"]]
        data = {
            **data,
            "name": {"es": data["name"], **translated["name"]},
            "return_conditions": {
                "es": data["return_conditions"],
                **translated["return_conditions"],
            },
        }
        categories[data["name"]["es"]] = category or services.create_category(actor=None, **data)
    for data in WAREHOUSES:
        if not Warehouse.objects.filter(code=data["code"]).exists():
            services.create_warehouse(actor=None, **data)

    rng = random.Random(2026)  # noqa: S311 - demo quantities, reproducible
    receipts, levels = [], []
    existing = set(Product.objects.values_list("sku", flat=True))
    stocked = set(
        StockMovement.objects.values_list("stock_item__product__sku", "stock_item__warehouse__code")
    )
    for data in _products():
        data = dict(data)
        market = data.pop("market")
        data["category"] = categories[data["category"]]
        if data["sku"] not in existing:
            services.create_product(actor=None, **data)
        warehouses = ["WAW"] if market == "pl" else ["MAD", "BCN"]
        for code in warehouses:
            # Every product is stocked; a few run low so the alerts have something to show.
            quantity = rng.choice([8, 15, 25, 40, 60, 120, 250, 400])
            reorder_point = rng.choice([0, 0, 5, 10, 10, 20])
            if (data["sku"], code) not in stocked:
                receipts.append(
                    services.StockChange(
                        sku=data["sku"],
                        warehouse=code,
                        quantity=quantity,
                        reason=Msg("stock.initial"),
                        reference="INV-APERTURA",
                    )
                )
            levels.append((data["sku"], code, reorder_point, reorder_point * 3))
    if receipts:
        services.record_stock_changes(actor=None, changes=receipts)
    current = {
        (sku, code): (point, qty)
        for sku, code, point, qty in StockItem.objects.values_list(
            "product__sku", "warehouse__code", "reorder_point", "reorder_quantity"
        )
    }
    products = {product.sku: product for product in Product.objects.all()}
    warehouses = {warehouse.code: warehouse for warehouse in Warehouse.objects.all()}
    for sku, code, point, qty in levels:
        if current.get((sku, code)) != (point, qty):
            services.set_reorder_levels(
                actor=None,
                product=products[sku],
                warehouse=warehouses[code],
                reorder_point=point,
                reorder_quantity=qty,
            )
    # Bin locations (aisle-rack-level), so packing lists show where to pick.
    unplaced = StockItem.objects.filter(bin_location="").values_list(
        "product__sku", "warehouse__code"
    )
    for sku, code in unplaced:
        spot = zlib.crc32(f"{sku}/{code}".encode())
        services.set_bin_location(
            actor=None,
            product=products[sku],
            warehouse=warehouses[code],
            bin_location=f"{'ABCDEF'[spot % 6]}-{spot // 6 % 24 + 1:02d}-{spot // 144 % 4 + 1}",
        )
    return []
