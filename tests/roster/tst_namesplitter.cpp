// The name splitting rule (see core/roster/namesplitter.h):
//  first token = first name; the last name starts at the first surname particle after it (van, van der, von,
//  de, da, di, du, le, la, te, ten, ter, del, dos, bin, al, mac, st ...) or else is the last token; tokens in
//  between belong to the first name ("Mary Jane Smith" -> "Mary Jane" / "Smith"). Case is repaired only
//  where damaged (a whole name in one case, or an all-caps / all-lower-case non-particle token).
#include "roster/namesplitter.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace tt::test {

class tst_NameSplitter : public QObject
{
    Q_OBJECT
private slots:
    void split_data();
    void split();
    void wellFormed_data();
    void wellFormed();
    void normalisedKey_data();
    void normalisedKey();
};

void tst_NameSplitter::split_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("last");
    auto row = [](const char *name, const QString &in, const QString &f, const QString &l) {
        QTest::newRow(name) << in << f << l;
    };
    row("plain", u"Liam Chen"_s, u"Liam"_s, u"Chen"_s);
    row("van der", u"Mia Van der Berg"_s, u"Mia"_s, u"Van der Berg"_s);
    row("van der lower", u"Pieter van der Berg"_s, u"Pieter"_s, u"van der Berg"_s);
    row("van den", u"Sanne van den Heuvel"_s, u"Sanne"_s, u"van den Heuvel"_s);
    row("van", u"Ruby Van Dyke"_s, u"Ruby"_s, u"Van Dyke"_s);
    row("von", u"Lena von Trapp"_s, u"Lena"_s, u"von Trapp"_s);
    row("von der", u"Klaus von der Heide"_s, u"Klaus"_s, u"von der Heide"_s);
    row("de", u"Kavindi De Silva"_s, u"Kavindi"_s, u"De Silva"_s);
    row("de la", u"Jean de la Fontaine"_s, u"Jean"_s, u"de la Fontaine"_s);
    row("da", u"Ana da Costa"_s, u"Ana"_s, u"da Costa"_s);
    row("di", u"Marco Di Stefano"_s, u"Marco"_s, u"Di Stefano"_s);
    row("du", u"Élodie du Plessis"_s, u"Élodie"_s, u"du Plessis"_s);
    row("le", u"Claire Le Roux"_s, u"Claire"_s, u"Le Roux"_s);
    row("la", u"Sofia La Rosa"_s, u"Sofia"_s, u"La Rosa"_s);
    row("te", u"Aroha Te Whata"_s, u"Aroha"_s, u"Te Whata"_s);
    row("ten", u"Daan ten Boom"_s, u"Daan"_s, u"ten Boom"_s);
    row("ter", u"Femke ter Horst"_s, u"Femke"_s, u"ter Horst"_s);
    row("del", u"Lucia del Rio"_s, u"Lucia"_s, u"del Rio"_s);
    row("dos", u"Tiago dos Santos"_s, u"Tiago"_s, u"dos Santos"_s);
    row("bin", u"Amir bin Hassan"_s, u"Amir"_s, u"bin Hassan"_s);
    row("mac separate", u"Isla Mac Donald"_s, u"Isla"_s, u"Mac Donald"_s);
    row("o apostrophe", u"Finn O'Brien"_s, u"Finn"_s, u"O'Brien"_s);
    row("o typographic apostrophe", u"Finn O’Brien"_s, u"Finn"_s, u"O’Brien"_s);
    row("d apostrophe", u"Luca D'Angelo"_s, u"Luca"_s, u"D'Angelo"_s);
    row("hyphen surname", u"Ella Smith-Jones"_s, u"Ella"_s, u"Smith-Jones"_s);
    row("hyphen first", u"Jean-Luc Martin"_s, u"Jean-Luc"_s, u"Martin"_s);
    row("three part", u"Mary Jane Smith"_s, u"Mary Jane"_s, u"Smith"_s);
    row("three part with particle", u"Mary Jane van Dijk"_s, u"Mary Jane"_s, u"van Dijk"_s);
    row("single name", u"Aroha"_s, u"Aroha"_s, QString());
    row("empty", QString(), QString(), QString());
    row("only spaces", u"   "_s, QString(), QString());
    row("double spaces", u"Mia  Van der  Berg"_s, u"Mia"_s, u"Van der Berg"_s);
    row("leading trailing spaces", u"  Liam Chen "_s, u"Liam"_s, u"Chen"_s);
    row("tab inside", u"Liam\tChen"_s, u"Liam"_s, u"Chen"_s);
    row("non-ascii", u"Zoë Nguyễn"_s, u"Zoë"_s, u"Nguyễn"_s);
    row("non-ascii siobhan", u"Siobhán Ó Súilleabháin"_s, u"Siobhán"_s, u"Ó Súilleabháin"_s);
    row("jose", u"José García"_s, u"José"_s, u"García"_s);
    row("case damage mixed", u"mia VAN DER BERG"_s, u"Mia"_s, u"Van der Berg"_s);
    row("all upper", u"LIAM CHEN"_s, u"Liam"_s, u"Chen"_s);
    row("all lower", u"liam chen"_s, u"Liam"_s, u"Chen"_s);
    row("all lower particle", u"aroha te whata"_s, u"Aroha"_s, u"Te Whata"_s);
    row("all upper apostrophe", u"FINN O'BRIEN"_s, u"Finn"_s, u"O'Brien"_s);
    row("all lower hyphen", u"ella smith-jones"_s, u"Ella"_s, u"Smith-Jones"_s);
    row("all upper non-ascii", u"ZOË ÉLODIE"_s, u"Zoë"_s, u"Élodie"_s);
    row("lower surname only", u"Liam chen"_s, u"Liam"_s, u"Chen"_s);
    row("upper surname only", u"Liam CHEN"_s, u"Liam"_s, u"Chen"_s);
    row("mc repaired", u"ISLA MCDONALD"_s, u"Isla"_s, u"McDonald"_s);
    row("mc kept", u"Isla McDonald"_s, u"Isla"_s, u"McDonald"_s);
    row("deliberate inner caps kept", u"Noa DeVries"_s, u"Noa"_s, u"DeVries"_s);
    row("particle as last token", u"Minh Le"_s, u"Minh"_s, u"Le"_s);
    row("particle as last token lower", u"minh le"_s, u"Minh"_s, u"Le"_s);
    row("initial kept", u"J Smith"_s, u"J"_s, u"Smith"_s);
    row("typo kept", u"Olivia Smtih"_s, u"Olivia"_s, u"Smtih"_s);
}

void tst_NameSplitter::split()
{
    QFETCH(QString, input);
    QFETCH(QString, first);
    QFETCH(QString, last);
    const NameParts parts = splitStudentName(input);
    QCOMPARE(parts.first, first);
    QCOMPARE(parts.last, last);
}

void tst_NameSplitter::wellFormed_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("wellFormed");
    QTest::newRow("plain") << u"Liam Chen"_s << true;
    QTest::newRow("particles") << u"Mia van der Berg"_s << true;
    QTest::newRow("apostrophe") << u"Finn O'Brien"_s << true;
    QTest::newRow("hyphen") << u"Ella Smith-Jones"_s << true;
    QTest::newRow("non-ascii") << u"Zoë Nguyễn"_s << true;
    QTest::newRow("all upper") << u"LIAM CHEN"_s << false;
    QTest::newRow("all lower") << u"liam chen"_s << false;
    QTest::newRow("mixed damage") << u"mia VAN DER BERG"_s << false;
    QTest::newRow("double space") << u"Liam  Chen"_s << false;
    QTest::newRow("digit") << u"Liam Chen2"_s << false;
    QTest::newRow("trailing hyphen") << u"Liam Chen-"_s << false;
    QTest::newRow("empty") << QString() << false;
}

void tst_NameSplitter::wellFormed()
{
    QFETCH(QString, input);
    QFETCH(bool, wellFormed);
    QCOMPARE(isWellFormedName(input), wellFormed);
}

void tst_NameSplitter::normalisedKey_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("same");
    QTest::newRow("case") << u"Zoe Smith"_s << u"ZOE SMITH"_s << true;
    QTest::newRow("diacritics") << u"Zoë Smith"_s << u"Zoe Smith"_s << true;
    QTest::newRow("whitespace") << u" Zoë   Smith "_s << u"zoe smith"_s << true;
    QTest::newRow("apostrophes") << u"Finn O’Brien"_s << u"Finn O'Brien"_s << true;
    QTest::newRow("different") << u"Zoe Smith"_s << u"Zoe Smyth"_s << false;
}

void tst_NameSplitter::normalisedKey()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, same);
    QCOMPARE(normalisedNameKey(a) == normalisedNameKey(b), same);
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_NameSplitter)
#include "tst_namesplitter.moc"
