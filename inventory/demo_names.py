"""The demo catalog's names in the other two languages (``inventory.demo``): each
product family and variant as written in ``demo.CATALOG`` -> its translations."""

#: Spanish families -> (English, Polish).
FROM_SPANISH = {
    "Auriculares inalámbricos Bluetooth": (
        "Wireless Bluetooth headphones",
        "Słuchawki bezprzewodowe Bluetooth",
    ),
    "Altavoz portátil resistente al agua": (
        "Waterproof portable speaker",
        "Wodoodporny głośnik przenośny",
    ),
    "Cargador USB-C 65 W": ("65 W USB-C charger", "Ładowarka USB-C 65 W"),
    "Batería externa 20.000 mAh": ("20,000 mAh power bank", "Powerbank 20 000 mAh"),
    "Ratón óptico inalámbrico": ("Wireless optical mouse", "Bezprzewodowa mysz optyczna"),
    "Teclado USB español": ("Spanish-layout USB keyboard", "Klawiatura USB, układ hiszpański"),
    "Monitor LED 24 pulgadas Full HD": (
        "24-inch Full HD LED monitor",
        "Monitor LED 24 cale Full HD",
    ),
    "Cámara web 1080p con micrófono": (
        "1080p webcam with microphone",
        "Kamera internetowa 1080p z mikrofonem",
    ),
    "Hub USB-C 7 en 1": ("7-in-1 USB-C hub", "Hub USB-C 7 w 1"),
    "Disco SSD externo": ("External SSD", "Zewnętrzny dysk SSD"),
    "Memoria USB 3.2": ("USB 3.2 flash drive", "Pamięć USB 3.2"),
    "Regleta con protección 6 tomas": (
        "6-socket surge-protected power strip",
        "Listwa zasilająca z ochroną, 6 gniazd",
    ),
    "Linterna LED recargable": ("Rechargeable LED torch", "Latarka LED akumulatorowa"),
    "Walkie-talkie profesional (pareja)": (
        "Professional walkie-talkie (pair)",
        "Krótkofalówka profesjonalna (para)",
    ),
    "Tableta 10 pulgadas 64 GB": ("10-inch tablet, 64 GB", "Tablet 10 cali 64 GB"),
    "Router Wi-Fi 6 doble banda": ("Dual-band Wi-Fi 6 router", "Router Wi-Fi 6 dwupasmowy"),
    "Cable HDMI 2.1": ("HDMI 2.1 cable", "Kabel HDMI 2.1"),
    "Pilas alcalinas AA (pack 24)": (
        "Alkaline batteries (pack of 24)",
        "Baterie alkaliczne (24 szt.)",
    ),
    "Chaqueta de trabajo multibolsillos": (
        "Multi-pocket work jacket",
        "Kurtka robocza z wieloma kieszeniami",
    ),
    "Pantalón de trabajo con rodilleras": (
        "Work trousers with knee pads",
        "Spodnie robocze z nakolannikami",
    ),
    "Polo de trabajo algodón": ("Cotton work polo shirt", "Bawełniana koszulka polo robocza"),
    "Camiseta alta visibilidad": ("High-visibility T-shirt", "Koszulka odblaskowa"),
    "Chaleco reflectante": ("Reflective vest", "Kamizelka odblaskowa"),
    "Parka impermeable acolchada": ("Padded waterproof parka", "Ocieplana parka przeciwdeszczowa"),
    "Buzo de trabajo": ("Work overalls", "Kombinezon roboczy"),
    "Bata sanitaria": ("Medical coat", "Fartuch medyczny"),
    "Botas de seguridad S3": ("S3 safety boots", "Buty bezpieczne S3"),
    "Guantes de nitrilo (caja 100)": (
        "Nitrile gloves (box of 100)",
        "Rękawice nitrylowe (100 szt.)",
    ),
    "Gafas de protección antivaho": ("Anti-fog safety glasses", "Okulary ochronne przeciwmgielne"),
    "Casco de seguridad ventilado": ("Ventilated safety helmet", "Kask ochronny wentylowany"),
    "Tapones auditivos (caja 200)": ("Earplugs (box of 200)", "Zatyczki do uszu (200 szt.)"),
    "Faja lumbar de trabajo": ("Work back-support belt", "Pas lędźwiowy roboczy"),
    "Papel multifunción A4 80 g (caja 5 paquetes)": (
        "A4 80 g multipurpose paper (box of 5 reams)",
        "Papier uniwersalny A4 80 g (karton 5 ryz)",
    ),
    "Bolígrafo de tinta gel (caja 12)": ("Gel ink pen (box of 12)", "Długopis żelowy (12 szt.)"),
    "Archivador de palanca A4": ("A4 lever arch file", "Segregator A4 z dźwignią"),
    "Carpeta de gomas": ("Elastic band folder", "Teczka z gumką"),
    "Grapadora de sobremesa": ("Desk stapler", "Zszywacz biurowy"),
    "Grapas 24/6 (caja 5000)": ("24/6 staples (box of 5000)", "Zszywki 24/6 (5000 szt.)"),
    "Notas adhesivas 76x76 (pack 12)": (
        "76x76 sticky notes (pack of 12)",
        "Karteczki samoprzylepne 76x76 (12 bloczków)",
    ),
    "Cuaderno espiral A4 cuadrícula": (
        "A4 squared spiral notebook",
        "Kołozeszyt A4 w kratkę",
    ),
    "Sobres autoadhesivos DL (caja 500)": (
        "DL self-seal envelopes (box of 500)",
        "Koperty samoprzylepne DL (500 szt.)",
    ),
    "Rotulador fluorescente (pack 4)": ("Highlighter (pack of 4)", "Zakreślacz (4 szt.)"),
    "Tijeras de oficina 21 cm": ("21 cm office scissors", "Nożyczki biurowe 21 cm"),
    "Cinta adhesiva transparente (pack 8)": (
        "Clear adhesive tape (pack of 8)",
        "Taśma klejąca przezroczysta (8 szt.)",
    ),
    "Calculadora de sobremesa 12 dígitos": (
        "12-digit desk calculator",
        "Kalkulator biurowy 12-cyfrowy",
    ),
    "Etiquetas adhesivas A4 (100 hojas)": (
        "A4 adhesive labels (100 sheets)",
        "Etykiety samoprzylepne A4 (100 arkuszy)",
    ),
    "Tóner compatible láser": ("Compatible laser toner", "Toner zamienny do drukarki laserowej"),
    "Pizarra blanca magnética": ("Magnetic whiteboard", "Tablica suchościeralna magnetyczna"),
    "Destructora de papel corte cruzado": (
        "Cross-cut paper shredder",
        "Niszczarka o cięciu krzyżowym",
    ),
    "Bandeja portadocumentos apilable": (
        "Stackable letter tray",
        "Półka na dokumenty, do piętrowania",
    ),
    "Cartucho de tinta compatible": ("Compatible ink cartridge", "Tusz zamienny do drukarki"),
    "Fundas multitaladro A4 (caja 100)": (
        "A4 punched pockets (box of 100)",
        "Koszulki na dokumenty A4 (100 szt.)",
    ),
    "Taza cerámica con logotipo": ("Ceramic mug with logo", "Kubek ceramiczny z logo"),
    "Camiseta bordada con logotipo": (
        "T-shirt with embroidered logo",
        "Koszulka z haftowanym logo",
    ),
    "Bolígrafo grabado con logotipo (pack 50)": (
        "Pen engraved with logo (pack of 50)",
        "Długopis z grawerowanym logo (50 szt.)",
    ),
    "Bolsa tote serigrafiada": ("Screen-printed tote bag", "Torba z sitodrukiem"),
    "Llavero metálico grabado": ("Engraved metal key ring", "Grawerowany breloczek metalowy"),
    "Sello de caucho personalizado": ("Custom rubber stamp", "Pieczątka personalizowana"),
}

#: Polish families -> (Spanish, English).
FROM_POLISH = {
    "Słuchawki bezprzewodowe z redukcją szumów": (
        "Auriculares inalámbricos con cancelación de ruido",
        "Noise-cancelling wireless headphones",
    ),
    "Głośnik przenośny wodoodporny": (
        "Altavoz portátil resistente al agua",
        "Waterproof portable speaker",
    ),
    "Ładowarka sieciowa USB-C 65 W": ("Cargador de red USB-C 65 W", "65 W USB-C wall charger"),
    "Powerbank 20000 mAh": ("Batería externa 20.000 mAh", "20,000 mAh power bank"),
    "Mysz bezprzewodowa": ("Ratón inalámbrico", "Wireless mouse"),
    "Klawiatura USB polski układ": (
        "Teclado USB con distribución polaca",
        "Polish-layout USB keyboard",
    ),
    "Monitor LED 27 cali": ("Monitor LED 27 pulgadas", "27-inch LED monitor"),
    "Kamera internetowa Full HD": ("Cámara web Full HD", "Full HD webcam"),
    "Listwa zasilająca z ochroną 5 gniazd": (
        "Regleta con protección 5 tomas",
        "5-socket surge-protected power strip",
    ),
    "Latarka LED akumulatorowa": ("Linterna LED recargable", "Rechargeable LED torch"),
    "Dysk SSD zewnętrzny": ("Disco SSD externo", "External SSD"),
    "Baterie alkaliczne (24 szt.)": (
        "Pilas alcalinas (pack 24)",
        "Alkaline batteries (pack of 24)",
    ),
    "Kurtka robocza ocieplana": ("Chaqueta de trabajo acolchada", "Padded work jacket"),
    "Spodnie robocze do pasa": ("Pantalón de trabajo", "Work trousers"),
    "Ogrodniczki robocze": ("Peto de trabajo", "Work bib and brace overalls"),
    "Koszulka polo robocza": ("Polo de trabajo", "Work polo shirt"),
    "Kamizelka ostrzegawcza": ("Chaleco de señalización", "Safety vest"),
    "Buty robocze S3": ("Calzado de trabajo S3", "S3 work boots"),
    "Rękawice robocze powlekane (12 par)": (
        "Guantes de trabajo recubiertos (12 pares)",
        "Coated work gloves (12 pairs)",
    ),
    "Kask ochronny": ("Casco de protección", "Safety helmet"),
    "Bluza polarowa robocza": ("Forro polar de trabajo", "Fleece work jacket"),
    "Papier ksero A4 80 g (karton 5 ryz)": (
        "Papel para fotocopiadora A4 80 g (caja 5 paquetes)",
        "A4 80 g copier paper (box of 5 reams)",
    ),
    "Długopis żelowy (12 szt.)": ("Bolígrafo de gel (12 unidades)", "Gel pen (12 pieces)"),
    "Segregator A4": ("Archivador A4", "A4 binder"),
    "Teczka z gumką": ("Carpeta con gomas", "Elastic band folder"),
    "Zszywacz biurowy": ("Grapadora de oficina", "Office stapler"),
    "Karteczki samoprzylepne (12 bloczków)": (
        "Notas adhesivas (12 blocs)",
        "Sticky notes (12 pads)",
    ),
    "Zeszyt A4 w kratkę": ("Cuaderno A4 de cuadrícula", "A4 squared notebook"),
    "Koperty samoprzylepne DL (500 szt.)": (
        "Sobres autoadhesivos DL (500 unidades)",
        "DL self-seal envelopes (500 pieces)",
    ),
    "Zakreślacz (4 szt.)": ("Rotulador fluorescente (4 unidades)", "Highlighter (4 pieces)"),
    "Taśma klejąca przezroczysta (8 szt.)": (
        "Cinta adhesiva transparente (8 unidades)",
        "Clear adhesive tape (8 pieces)",
    ),
    "Kalkulator biurowy 12-cyfrowy": (
        "Calculadora de oficina 12 dígitos",
        "12-digit office calculator",
    ),
    "Toner zamienny do drukarki laserowej": (
        "Tóner compatible para impresora láser",
        "Compatible laser printer toner",
    ),
    "Tablica suchościeralna magnetyczna": ("Pizarra blanca magnética", "Magnetic whiteboard"),
    "Niszczarka dokumentów": ("Destructora de documentos", "Document shredder"),
    "Tusz do drukarki atramentowej": ("Tinta para impresora de inyección", "Inkjet printer ink"),
    "Kubek z nadrukiem logo": ("Taza con logotipo impreso", "Mug with printed logo"),
    "Koszulka z haftem logo": ("Camiseta con logotipo bordado", "T-shirt with embroidered logo"),
    "Długopis z grawerem (50 szt.)": (
        "Bolígrafo grabado (50 unidades)",
        "Engraved pen (50 pieces)",
    ),
    "Torba bawełniana z nadrukiem": ("Bolsa de algodón estampada", "Printed cotton bag"),
}

#: Variants as written -> {language: text}; sizes, numbers and codes are the same in all.
VARIANTS = {
    # Spanish
    "Negro": {"en": "Black", "pl": "Czarny"},
    "Negra": {"en": "Black", "pl": "Czarna"},
    "Blanco": {"en": "White", "pl": "Biały"},
    "Blanca": {"en": "White", "pl": "Biała"},
    "Azul": {"en": "Blue", "pl": "Niebieski"},
    "Gris": {"en": "Grey", "pl": "Szary"},
    "Roja": {"en": "Red", "pl": "Czerwona"},
    "Rojo": {"en": "Red", "pl": "Czerwony"},
    "Verde": {"en": "Green", "pl": "Zielona"},
    "Amarillo": {"en": "Yellow", "pl": "Żółty"},
    "Cian": {"en": "Cyan", "pl": "Cyjan"},
    "Magenta": {"en": "Magenta", "pl": "Magenta"},
    "Plata": {"en": "Silver", "pl": "Srebrny"},
    "Natural": {"en": "Natural", "pl": "Naturalna"},
    "Neón": {"en": "Neon", "pl": "Neonowe"},
    "1 puerto": {"en": "1 port", "pl": "1 port"},
    "3 puertos": {"en": "3 ports", "pl": "3 porty"},
    "Compacto": {"en": "Compact", "pl": "Kompaktowa"},
    "Completo": {"en": "Full size", "pl": "Pełna"},
    "Estándar": {"en": "Standard", "pl": "Standard"},
    "Incoloras": {"en": "Clear", "pl": "Bezbarwne"},
    "Solares": {"en": "Tinted", "pl": "Przyciemniane"},
    "Con cordón": {"en": "Corded", "pl": "Ze sznurkiem"},
    "Sin cordón": {"en": "Uncorded", "pl": "Bez sznurka"},
    "Lomo ancho": {"en": "Wide spine", "pl": "Szeroki grzbiet"},
    "Lomo estrecho": {"en": "Narrow spine", "pl": "Wąski grzbiet"},
    "Gran capacidad": {"en": "Heavy duty", "pl": "Duża pojemność"},
    "Tapa dura": {"en": "Hardcover", "pl": "Twarda okładka"},
    "Tapa blanda": {"en": "Softcover", "pl": "Miękka okładka"},
    "Con ventana": {"en": "Window", "pl": "Z okienkiem"},
    "Sin ventana": {"en": "No window", "pl": "Bez okienka"},
    "Surtido": {"en": "Assorted", "pl": "Mix"},
    "24 por hoja": {"en": "24 per sheet", "pl": "24 na arkuszu"},
    "8 por hoja": {"en": "8 per sheet", "pl": "8 na arkuszu"},
    "Lisas": {"en": "Smooth", "pl": "Gładkie"},
    "Rugosas": {"en": "Textured", "pl": "Groszkowe"},
    "Automático": {"en": "Self-inking", "pl": "Samotuszująca"},
    # Polish
    "Czarne": {"es": "Negros", "en": "Black"},
    "Białe": {"es": "Blancos", "en": "White"},
    "Czarny": {"es": "Negro", "en": "Black"},
    "Czarna": {"es": "Negra", "en": "Black"},
    "Niebieski": {"es": "Azul", "en": "Blue"},
    "Szary": {"es": "Gris", "en": "Grey"},
    "Szara": {"es": "Gris", "en": "Grey"},
    "Biały": {"es": "Blanco", "en": "White"},
    "Żółty": {"es": "Amarillo", "en": "Yellow"},
    "Niebieska": {"es": "Azul", "en": "Blue"},
    "Czerwona": {"es": "Roja", "en": "Red"},
    "Kolor": {"es": "Color", "en": "Colour"},
    "Cyan": {"es": "Cian", "en": "Cyan"},
    "Naturalna": {"es": "Natural", "en": "Natural"},
    "1 port": {"es": "1 puerto", "en": "1 port"},
    "3 porty": {"es": "3 puertos", "en": "3 ports"},
    "Kompaktowa": {"es": "Compacto", "en": "Compact"},
    "Pełna": {"es": "Completo", "en": "Full size"},
    "Standard": {"es": "Estándar", "en": "Standard"},
    "Szeroki": {"es": "Lomo ancho", "en": "Wide spine"},
    "Wąski": {"es": "Lomo estrecho", "en": "Narrow spine"},
    "Duży": {"es": "Gran capacidad", "en": "Heavy duty"},
    "Żółte": {"es": "Amarillas", "en": "Yellow"},
    "Neonowe": {"es": "Neón", "en": "Neon"},
    "Twarda okładka": {"es": "Tapa dura", "en": "Hardcover"},
    "Miękka okładka": {"es": "Tapa blanda", "en": "Softcover"},
    "Z okienkiem": {"es": "Con ventana", "en": "Window"},
    "Bez okienka": {"es": "Sin ventana", "en": "No window"},
    "Mix": {"es": "Surtido", "en": "Assorted"},
}

#: Category (Spanish name) -> English and Polish name and return conditions.
CATEGORIES = {
    "Electrónica": {
        "name": {"en": "Electronics", "pl": "Elektronika"},
        "return_conditions": {
            "en": "In its original packaging, with all accessories and seals.",
            "pl": "W oryginalnym opakowaniu, ze wszystkimi akcesoriami i plombami.",
        },
    },
    "Ropa laboral": {
        "name": {"en": "Workwear", "pl": "Odzież robocza"},
        "return_conditions": {
            "en": "Unworn, with the tags attached.",
            "pl": "Nienoszone, z przypiętymi metkami.",
        },
    },
    "Material de oficina": {
        "name": {"en": "Office supplies", "pl": "Artykuły biurowe"},
        "return_conditions": {
            "en": "In its original state, unopened and unused.",
            "pl": "W stanie oryginalnym, nieotwierane i nieużywane.",
        },
    },
    "Productos personalizados": {
        "name": {"en": "Personalised products", "pl": "Produkty personalizowane"},
        "return_conditions": {
            "en": "Personalised items cannot be returned unless they are defective.",
            "pl": "Artykuły personalizowane nie podlegają zwrotowi, chyba że są wadliwe.",
        },
    },
}


def family_names(name: str, market: str) -> dict[str, str]:
    """A family's name in es/en/pl (``market``: the language it is written in)."""
    if market == "pl":
        es, en = FROM_POLISH[name]
        return {"es": es, "en": en, "pl": name}
    en, pl = FROM_SPANISH[name]
    return {"es": name, "en": en, "pl": pl}


def variant_names(variant: str, market: str) -> dict[str, str]:
    """A variant in es/en/pl; sizes and measures are written the same in every language."""
    translated = VARIANTS.get(variant, {})
    return {language: translated.get(language, variant) for language in ("es", "en", "pl")}
