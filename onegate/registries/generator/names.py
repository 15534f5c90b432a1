"""Name lists for the synthetic population, and the romanisation of Thai names.

Thai given names come in two generations: names common among people born before about 1980
("สมชาย", "มาลี") and the longer, Sanskrit-derived names that are popular since ("ภาคิน",
"ณัฐณิชา"). Family names are folk compounds of the kind Thai surnames are often made of ("แสงทอง",
"บุญมา"); the list keeps only those that pythainlp's Royal Institute ("royin") romanisation writes
as a person would expect, so the Latin names read naturally. Every list is small: romanisations are
computed once per distinct name and cached.

Foreign names are given in the Latin form their passports print, by nationality. Myanmar names
have no family name (the whole name is the given name), and Russian family names take their
feminine form for women.
"""

from __future__ import annotations

from functools import cache

from pythainlp.transliterate import romanize


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


THAI_MALE_TRADITIONAL = _words("""
    สมชาย สมศักดิ์ สมพงษ์ วิชัย วีระ ชัยวัฒน์ บุญชัย ชาญชัย ชนะ ทองใบ บุญมี สุเทพ อำนาจ ศักดิ์ชัย
    ปรีชา ชาตรี สมพร สมนึก สมาน สมคิด บุญส่ง บุญเลิศ ทองดี ทองคำ ประสิทธิ์ ประจักษ์ สำราญ วินัย
    วิรัช ชัยยา วิเชียร สมัย จำลอง พิชิต พิเชษฐ์ วสันต์ สิทธิชัย กิตติ สุวิทย์ สุริยา
""")

THAI_MALE_MODERN = _words("""
    กิตติพงษ์ สุทธิพงษ์ ปิยะ ธนากร ภานุวัฒน์ ณัฐพงษ์ ภูมิ ปกรณ์ รัชชานนท์ ภาคิน จิรายุ ชนินทร์ ณัฐ
    ธนาธิป ปิยะพงษ์ พงษ์พันธ์ ภูริ ภูมิพัฒน์ คณิน กันต์ ปัณณ์ ธาม ภูผา ตะวัน นที ธันวา เตชินท์ อาทิตย์
    เอกชัย
""")

THAI_FEMALE_TRADITIONAL = _words("""
    สมหญิง มาลี ประภา วันเพ็ญ สุภาพร กัญญา จันทร์เพ็ญ พรทิพย์ ศิริพร ดวงใจ ลำดวน บุญเรือน ทองพูล
    สมศรี กมลวรรณ จิราพร ธิดารัตน์ อรอุมา กนกวรรณ ปิยะนุช สุนิสา ชุติมา ปาริชาต รุ่งนภา สุกัญญา
    บุญมา บัวผัน ประไพ ประนอม บุญช่วย สำเนียง มาลัย ลำใย เพ็ญศรี อำไพ จำเนียร สุนีย์ บังอร ยุพา
    นวลจันทร์ ศรีสุดา กัลยาณี จารุวรรณ สุภาวดี นภาพร ดารุณี ปราณี สุมาลี อุไรวรรณ ขวัญใจ ขวัญเรือน
    ฐิติมา ลัดดา สุรีย์ อุษา สุดารัตน์ อารีรัตน์
""")

THAI_FEMALE_MODERN = _words("""
    ณัฐธิดา พิมพ์ชนก ณัฐชา ธัญญารัตน์ ชนัญชิดา ณิชา ณัฐณิชา อรนิชา ฟ้าใส ใบเตย พลอย ปาลิตา ญาดา
    กัญญาณัฐ ณัฐธิชา ชญานิศ ปุณิกา พิมพ์มาดา ภูริชญา อัยย์ลดา สุพิชชา สิริกร ชลธิชา วิภา ดาราวรรณ
    เกศินี
""")

THAI_FAMILY = _words("""
    แสงทอง แสงศรี แสงแก้ว แสงคำ แสงจันทร์ แสงเรือง แสงสุข แสงดี แสงมา แสงวงศ์ แสงชัย แสงอินทร์
    แสงนวล แสงพันธ์ แสงมี แสงยืน แสงใส แสงเมือง แสงไทย แสงงาม แสงเลิศ แสงทิพย์ แสงสกุล แสงภักดี
    แสงประทุม แสงศักดิ์ แสงพงษ์ แสงเดช แสงกุล แสงชื่น แสงบาน แสงสิงห์ แสงใจ แสงบุญ บุญทอง บุญศรี
    บุญแก้ว บุญคำ บุญจันทร์ บุญเรือง บุญสุข บุญดี บุญมา บุญวงศ์ บุญชัย บุญอินทร์ บุญนวล บุญพันธ์
    บุญมี บุญยืน บุญใส บุญเมือง บุญไทย บุญงาม บุญเลิศ บุญทิพย์ บุญสกุล บุญภักดี บุญประทุม บุญศักดิ์
    บุญพงษ์ บุญเดช บุญกุล บุญชื่น บุญบาน บุญสิงห์ บุญใจ ทองศรี ทองแก้ว ทองคำ ทองจันทร์ ทองเรือง
    ทองสุข ทองดี ทองมา ทองวงศ์ ทองชัย ทองอินทร์ ทองนวล ทองพันธ์ ทองมี ทองยืน ทองใส ทองเมือง ทองไทย
    ทองงาม ทองเลิศ ทองทิพย์ ทองสกุล ทองภักดี ทองประทุม ทองศักดิ์ ทองพงษ์ ทองเดช ทองกุล ทองผล ทองชื่น
    ทองบาน ทองคง ทองสิงห์ ทองใจ ทองบุญ ศรีทอง ศรีแก้ว ศรีคำ ศรีจันทร์ ศรีเรือง ศรีสุข ศรีดี ศรีมา
    ศรีวงศ์ ศรีชัย ศรีอินทร์ ศรีนวล ศรีพันธ์ ศรีมี ศรียืน ศรีใส ศรีเมือง ศรีไทย ศรีงาม ศรีเลิศ
    ศรีทิพย์ ศรีสกุล ศรีภักดี ศรีประทุม ศรีศักดิ์ ศรีพงษ์ ศรีเดช ศรีกุล ศรีผล ศรีชื่น ศรีบาน ศรีคง
    ศรีสิงห์ ศรีใจ ศรีบุญ แก้วทอง แก้วศรี แก้วคำ แก้วจันทร์ แก้วเรือง แก้วสุข แก้วมา แก้ววงศ์
    แก้วชัย แก้วอินทร์ แก้วนวล แก้วพันธ์ แก้วมี แก้วยืน แก้วใส แก้วเมือง แก้วไทย แก้วงาม แก้วเลิศ
    แก้วทิพย์ แก้วสกุล แก้วภักดี แก้วประทุม แก้วศักดิ์ แก้วพงษ์ แก้วเดช แก้วกุล แก้วผล แก้วชื่น
    แก้วบาน แก้วคง แก้วสิงห์ แก้วใจ แก้วบุญ คำทอง คำศรี คำแก้ว คำจันทร์ คำเรือง คำสุข คำดี คำมา
    คำวงศ์ คำชัย คำอินทร์ คำนวล คำพันธ์ คำมี คำยืน คำใส คำเมือง คำไทย คำงาม คำเลิศ คำทิพย์ คำสกุล
    คำภักดี คำประทุม คำศักดิ์ คำพงษ์ คำเดช คำกุล คำชื่น คำบาน คำสิงห์ คำใจ คำบุญ บัวทอง บัวศรี
    บัวแก้ว บัวคำ บัวจันทร์ บัวเรือง บัวสุข บัวดี บัวมา บัววงศ์ บัวชัย บัวอินทร์ บัวนวล บัวพันธ์
    บัวมี บัวยืน บัวใส บัวเมือง บัวไทย บัวงาม บัวเลิศ บัวทิพย์ บัวสกุล บัวภักดี บัวประทุม บัวศักดิ์
    บัวพงษ์ บัวเดช บัวกุล บัวผล บัวชื่น บัวบาน บัวคง บัวสิงห์ บัวใจ บัวบุญ จันทร์ทอง จันทร์ศรี
    จันทร์แก้ว จันทร์คำ จันทร์เรือง จันทร์สุข จันทร์ดี จันทร์มา จันทร์วงศ์ จันทร์ชัย จันทร์อินทร์
    จันทร์นวล จันทร์พันธ์ จันทร์มี จันทร์ยืน จันทร์ใส จันทร์เมือง จันทร์ไทย จันทร์งาม จันทร์เลิศ
    จันทร์ทิพย์ จันทร์สกุล จันทร์ภักดี จันทร์ประทุม จันทร์ศักดิ์ จันทร์พงษ์ จันทร์เดช จันทร์กุล
    จันทร์ผล จันทร์ชื่น จันทร์บาน จันทร์คง จันทร์สิงห์ จันทร์ใจ จันทร์บุญ สายทอง สายศรี สายแก้ว
    สายคำ สายจันทร์ สายเรือง สายสุข สายดี สายมา สายวงศ์ สายชัย สายอินทร์ สายนวล สายพันธ์ สายมี
    สายยืน สายใส สายเมือง สายไทย สายงาม สายเลิศ สายทิพย์ สายภักดี สายประทุม สายศักดิ์ สายพงษ์ สายเดช
    สายกุล สายผล สายชื่น สายบาน สายคง สายสิงห์ สายใจ สายบุญ เรืองทอง เรืองศรี เรืองแก้ว เรืองคำ
    เรืองจันทร์ เรืองสุข เรืองดี เรืองมา เรืองวงศ์ เรืองชัย เรืองอินทร์ เรืองนวล เรืองพันธ์ เรืองมี
    เรืองยืน เรืองใส เรืองเมือง เรืองไทย เรืองงาม เรืองเลิศ เรืองทิพย์ เรืองสกุล เรืองภักดี
    เรืองประทุม เรืองศักดิ์ เรืองพงษ์ เรืองเดช เรืองกุล เรืองชื่น เรืองบาน เรืองสิงห์ เรืองใจ
    เรืองบุญ นาคทอง นาคศรี นาคแก้ว นาคคำ นาคจันทร์ นาคเรือง นาคสุข นาคมา นาควงศ์ นาคชัย นาคอินทร์
    นาคนวล นาคพันธ์ นาคมี นาคยืน นาคใส นาคเมือง นาคไทย นาคงาม นาคเลิศ นาคทิพย์ นาคสกุล นาคภักดี
    นาคประทุม นาคศักดิ์ นาคพงษ์ นาคเดช นาคกุล นาคชื่น นาคบาน นาคสิงห์ นาคใจ นาคบุญ มณีทอง มณีศรี
    มณีแก้ว มณีคำ มณีจันทร์ มณีเรือง มณีสุข มณีดี มณีมา มณีวงศ์ มณีชัย มณีอินทร์ มณีนวล มณีพันธ์
    มณีมี มณียืน มณีใส มณีเมือง มณีไทย มณีงาม มณีเลิศ มณีทิพย์ มณีสกุล มณีภักดี มณีประทุม มณีศักดิ์
    มณีพงษ์ มณีเดช มณีกุล มณีผล มณีชื่น มณีบาน มณีคง มณีสิงห์ มณีใจ มณีบุญ สุขทอง สุขศรี สุขแก้ว
    สุขคำ สุขจันทร์ สุขเรือง สุขดี สุขวงศ์ สุขชัย สุขอินทร์ สุขนวล สุขพันธ์ สุขมี สุขยืน สุขใส
    สุขเมือง สุขไทย สุขงาม สุขเลิศ สุขทิพย์ สุขสกุล สุขภักดี สุขประทุม สุขศักดิ์ สุขพงษ์ สุขเดช
    สุขกุล สุขชื่น สุขบาน สุขสิงห์ สุขใจ สุขบุญ เงินทอง เงินศรี เงินแก้ว เงินคำ เงินจันทร์ เงินเรือง
    เงินสุข เงินดี เงินมา เงินวงศ์ เงินชัย เงินอินทร์ เงินนวล เงินพันธ์ เงินมี เงินยืน เงินใส
    เงินเมือง เงินไทย เงินงาม เงินเลิศ เงินทิพย์ เงินสกุล เงินภักดี เงินประทุม เงินศักดิ์ เงินพงษ์
    เงินเดช เงินกุล เงินชื่น เงินบาน เงินสิงห์ เงินใจ เงินบุญ พรมทอง พรมศรี พรมแก้ว พรมคำ พรมจันทร์
    พรมเรือง พรมสุข พรมมา พรมวงศ์ พรมชัย พรมอินทร์ พรมนวล พรมพันธ์ พรมมี พรมยืน พรมใส พรมเมือง
    พรมไทย พรมงาม พรมเลิศ พรมทิพย์ พรมสกุล พรมภักดี พรมประทุม พรมศักดิ์ พรมพงษ์ พรมเดช พรมผล พรมชื่น
    พรมบาน พรมคง พรมสิงห์ พรมใจ พรมบุญ ชัยทอง ชัยแก้ว ชัยคำ ชัยจันทร์ ชัยเรือง ชัยสุข ชัยดี ชัยมา
    ชัยวงศ์ ชัยอินทร์ ชัยนวล ชัยพันธ์ ชัยมี ชัยยืน ชัยใส ชัยเมือง ชัยไทย ชัยงาม ชัยเลิศ ชัยทิพย์
    ชัยสกุล ชัยภักดี ชัยประทุม ชัยศักดิ์ ชัยพงษ์ ชัยเดช ชัยกุล ชัยผล ชัยชื่น ชัยบาน ชัยคง ชัยสิงห์
    ชัยใจ ชัยบุญ อินทร์ทอง อินทร์ศรี อินทร์แก้ว อินทร์คำ อินทร์จันทร์ อินทร์เรือง อินทร์สุข อินทร์ดี
    อินทร์มา อินทร์วงศ์ อินทร์ชัย อินทร์นวล อินทร์พันธ์ อินทร์มี อินทร์ยืน อินทร์ใส อินทร์เมือง
    อินทร์ไทย อินทร์งาม อินทร์เลิศ อินทร์ทิพย์ อินทร์สกุล อินทร์ภักดี อินทร์ประทุม อินทร์ศักดิ์
    อินทร์พงษ์ อินทร์เดช อินทร์กุล อินทร์ผล อินทร์ชื่น อินทร์บาน อินทร์คง อินทร์สิงห์ อินทร์ใจ
    อินทร์บุญ รักทอง รักศรี รักแก้ว รักคำ รักจันทร์ รักเรือง รักสุข รักดี รักมา รักวงศ์ รักชัย
    รักอินทร์ รักนวล รักพันธ์ รักมี รักยืน รักใส รักเมือง รักไทย รักงาม รักเลิศ รักทิพย์ รักสกุล
    รักภักดี รักประทุม รักศักดิ์ รักพงษ์ รักเดช รักกุล รักชื่น รักบาน รักสิงห์ รักใจ รักบุญ โชคทอง
    โชคศรี โชคแก้ว โชคคำ โชคจันทร์ โชคเรือง โชคสุข โชคดี โชคมา โชควงศ์ โชคชัย โชคอินทร์ โชคนวล
    โชคพันธ์ โชคมี โชคยืน โชคใส โชคเมือง โชคไทย โชคงาม โชคเลิศ โชคทิพย์ โชคสกุล โชคภักดี โชคประทุม
    โชคศักดิ์ โชคพงษ์ โชคเดช โชคกุล โชคชื่น โชคบาน โชคสิงห์ โชคใจ โชคบุญ สิงห์ทอง สิงห์ศรี สิงห์แก้ว
    สิงห์คำ สิงห์จันทร์ สิงห์เรือง สิงห์สุข สิงห์ดี สิงห์มา สิงห์วงศ์ สิงห์ชัย สิงห์อินทร์ สิงห์นวล
    สิงห์พันธ์ สิงห์มี สิงห์ยืน สิงห์ใส สิงห์เมือง สิงห์ไทย สิงห์งาม สิงห์เลิศ สิงห์ทิพย์ สิงห์สกุล
    สิงห์ภักดี สิงห์ประทุม สิงห์ศักดิ์ สิงห์พงษ์ สิงห์เดช สิงห์กุล สิงห์ผล สิงห์ชื่น สิงห์บาน
    สิงห์คง สิงห์ใจ สิงห์บุญ ใจทอง ใจศรี ใจแก้ว ใจคำ ใจจันทร์ ใจเรือง ใจสุข ใจดี ใจมา ใจวงศ์ ใจชัย
    ใจอินทร์ ใจนวล ใจพันธ์ ใจมี ใจยืน ใจใส ใจเมือง ใจไทย ใจงาม ใจเลิศ ใจทิพย์ ใจสกุล ใจภักดี
    ใจประทุม ใจศักดิ์ ใจพงษ์ ใจเดช ใจกุล ใจผล ใจชื่น ใจบาน ใจคง ใจสิงห์ ใจบุญ นวลทอง นวลศรี นวลแก้ว
    นวลคำ นวลจันทร์ นวลเรือง นวลสุข นวลดี นวลมา นวลวงศ์ นวลชัย นวลอินทร์ นวลพันธ์ นวลมี นวลยืน นวลใส
    นวลเมือง นวลไทย นวลงาม นวลเลิศ นวลทิพย์ นวลสกุล นวลภักดี นวลประทุม นวลศักดิ์ นวลพงษ์ นวลเดช
    นวลกุล นวลชื่น นวลบาน นวลสิงห์ นวลใจ นวลบุญ งามทอง งามศรี งามแก้ว งามคำ งามจันทร์ งามเรือง
    งามสุข งามมา งามวงศ์ งามชัย งามอินทร์ งามนวล งามพันธ์ งามมี งามยืน งามใส งามเมือง งามไทย งามเลิศ
    งามทิพย์ งามสกุล งามภักดี งามประทุม งามศักดิ์ งามพงษ์ งามเดช งามชื่น งามบาน งามสิงห์ งามใจ
    งามบุญ ปัญญาทอง ปัญญาศรี ปัญญาแก้ว ปัญญาคำ ปัญญาจันทร์ ปัญญาเรือง ปัญญาสุข ปัญญาดี ปัญญามา
    ปัญญาวงศ์ ปัญญาชัย ปัญญาอินทร์ ปัญญานวล ปัญญาพันธ์ ปัญญามี ปัญญายืน ปัญญาใส ปัญญาเมือง ปัญญาไทย
    ปัญญางาม ปัญญาเลิศ ปัญญาทิพย์ ปัญญาสกุล ปัญญาภักดี ปัญญาประทุม ปัญญาศักดิ์ ปัญญาพงษ์ ปัญญาเดช
    ปัญญากุล ปัญญาผล ปัญญาชื่น ปัญญาบาน ปัญญาคง ปัญญาสิงห์ ปัญญาใจ ปัญญาบุญ
""")

# Foreign names by nationality (ISO 3166-1 alpha-3), as passports print them: male given names,
# female given names and family names, each list separated by commas.
_FOREIGN_NAME_LISTS: dict[str, tuple[str, str, str]] = {
    "GBR": (
        "Oliver, James, William, Harry, George, Thomas, Jack, Daniel, Samuel",
        "Charlotte, Emily, Olivia, Amelia, Sophie, Jessica, Lucy, Hannah, Ellie",
        "Smith, Jones, Taylor, Brown, Williams, Wilson, Davies, Robinson, Wright, Thompson, Evans, "
        "Walker, Hughes, O'Connor",
    ),
    "USA": (
        "Michael, David, John, Robert, Christopher, Matthew, Joshua, Andrew",
        "Jennifer, Sarah, Ashley, Jessica, Emily, Madison, Elizabeth, Megan",
        "Johnson, Miller, Davis, Garcia, Rodriguez, Martinez, Anderson, Moore, Jackson, Harris, "
        "Clark, Lewis",
    ),
    "AUS": (
        "Liam, Noah, Jack, Ethan, Lachlan, Cooper, Mitchell, Riley",
        "Chloe, Mia, Isla, Ruby, Zoe, Matilda, Grace, Sienna",
        "Kelly, Ryan, Murphy, Campbell, Mitchell, O'Brien, Stewart, Morgan, Nguyen, Turner",
    ),
    "DEU": (
        "Lukas, Leon, Maximilian, Felix, Jonas, Jürgen, Stefan, Tobias",
        "Anna, Lena, Marie, Sophie, Hannah, Jana, Katharina, Jülide",
        "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, "
        "Schäfer, Groß",
    ),
    "FRA": (
        "Lucas, Hugo, Louis, Gabriel, Théo, Raphaël, Jules, Mathis",
        "Léa, Chloé, Manon, Camille, Inès, Élodie, Juliette, Margaux",
        "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Lefèvre, "
        "Girard",
    ),
    "JPN": (
        "Haruto, Yuto, Sota, Hiroshi, Takashi, Kenji, Daiki, Ren",
        "Yui, Aoi, Hina, Yuki, Sakura, Haruka, Misaki, Akiko",
        "Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato",
    ),
    "CHN": (
        "Wei, Lei, Jun, Hao, Yong, Jie, Tao, Zhiwei, Haoran",
        "Fang, Yan, Jing, Li, Xiaoling, Min, Yuxin, Mei, Ying",
        "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun",
    ),
    "KOR": (
        "Minjun, Jiho, Doyun, Seojun, Hyunwoo, Jaehyun, Sungmin",
        "Seoyeon, Haeun, Jiwoo, Minseo, Soyeon, Yejin, Eunji",
        "Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim",
    ),
    "IND": (
        "Aarav, Vihaan, Arjun, Rohan, Rahul, Amit, Sanjay, Vikram",
        "Priya, Ananya, Diya, Kavya, Pooja, Neha, Lakshmi, Meera",
        "Sharma, Patel, Singh, Kumar, Gupta, Reddy, Iyer, Nair, Mehta, Joshi",
    ),
    "MMR": (
        "Aung Kyaw, Kyaw Zin, Min Thu, Zaw Win, Htet Aung, Myo Min, Thant Zin, Ko Ko, Naing Lin",
        "Thida, Aye Aye, Su Su, Khin Mar, Nilar, Hnin Wai, Ei Mon, Thandar, Moe Moe, Zin Mar",
        "",
    ),
    "LAO": (
        "Bounmy, Khamphone, Somphone, Vilay, Souksavanh, Phonesavanh, Khamla",
        "Phetsamone, Noy, Manivanh, Souphaphone, Vanida, Khamkong, Malaythong",
        "Phommachanh, Sisavath, Vongsa, Keomany, Inthavong, Sengdara, Phanthavong, Xayavong",
    ),
    "KHM": (
        "Sokha, Dara, Vannak, Rithy, Sovann, Piseth, Chenda",
        "Sophea, Chanthy, Sreymom, Bopha, Sokunthea, Channary, Kunthea",
        "Sok, Chan, Heng, Meas, Chea, Ly, Prak, Keo, Mao, Touch",
    ),
    "VNM": (
        "Minh, Duc, Tuan, Quang, Hung, Thanh, Long, Nam",
        "Anh, Huong, Linh, Lan, Mai, Thao, Trang, Ngoc",
        "Nguyen, Tran, Le, Pham, Hoang, Vu, Dang, Bui, Do, Ngo",
    ),
    "RUS": (
        "Alexander, Dmitry, Sergey, Ivan, Andrey, Mikhail, Nikolay, Pavel",
        "Anna, Elena, Olga, Natalia, Maria, Tatiana, Svetlana, Ekaterina",
        "Ivanov, Smirnov, Kuznetsov, Popov, Sokolov, Volkov, Morozov, Petrov, Fedorov, Orlov",
    ),
}


def _split(names: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in names.split(",") if name.strip())


# nationality -> (male given names, female given names, family names; empty: no family name)
FOREIGN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    nationality: (_split(male), _split(female), _split(family))
    for nationality, (male, female, family) in _FOREIGN_NAME_LISTS.items()
}

# Russian family names ending like these take "-a" for women (Ivanov, Ivanova).
_FEMININE_SUFFIXES = ("ov", "ev", "in")


def romanise(thai: str) -> str:
    """The capitalised Royal Institute romanisation of a Thai name ("สมชาย" → "Somchai")."""
    return _romanise(thai)


def warm_romanisations() -> None:
    """Romanise every Thai name now (about two seconds), e.g. before forking drafting workers."""
    for names in (
        THAI_MALE_TRADITIONAL,
        THAI_MALE_MODERN,
        THAI_FEMALE_TRADITIONAL,
        THAI_FEMALE_MODERN,
        THAI_FAMILY,
    ):
        for name in names:
            _romanise(name)


@cache
def _romanise(thai: str) -> str:
    return romanize(thai, engine="royin").capitalize()


def foreign_family_name(nationality: str, family: str, *, female: bool) -> str:
    """The family name as a woman of this nationality carries it (only Russian names change)."""
    if female and nationality == "RUS" and family.endswith(_FEMININE_SUFFIXES):
        return family + "a"
    return family
