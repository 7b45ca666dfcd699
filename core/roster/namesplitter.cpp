#include "namesplitter.h"

#include <QStringList>

namespace tt {

using namespace Qt::StringLiterals;

namespace {

bool hasLetters(const QString &s, bool *anyUpper, bool *anyLower)
{
    bool letters = false;
    *anyUpper = *anyLower = false;
    for (const QChar c : s) {
        if (!c.isLetter())
            continue;
        letters = true;
        if (c.isUpper())
            *anyUpper = true;
        else if (c.isLower())
            *anyLower = true;
    }
    return letters;
}

int letterCount(const QString &s)
{
    int n = 0;
    for (const QChar c : s)
        if (c.isLetter())
            ++n;
    return n;
}

bool isAllUpper(const QString &t)
{
    bool up = false, low = false;
    return hasLetters(t, &up, &low) && up && !low;
}

bool isAllLower(const QString &t)
{
    bool up = false, low = false;
    return hasLetters(t, &up, &low) && low && !up;
}

// "o'brien" -> "O'Brien", "smith-jones" -> "Smith-Jones", "mcdonald" -> "McDonald".
QString capitalised(const QString &token)
{
    QString t = token.toLower();
    bool startOfPart = true;
    for (qsizetype i = 0; i < t.size(); ++i) {
        const QChar c = t.at(i);
        if (c.isLetter()) {
            if (startOfPart)
                t[i] = c.toUpper();
            startOfPart = false;
        } else if (c == u'-' || c == u'\'' || c == QChar(0x2019) || c == u'.') {
            startOfPart = true;
        }
    }
    if (t.size() > 3 && t.startsWith(u"Mc") && t.at(2).isLetter())
        t[2] = t.at(2).toUpper();
    return t;
}

// Index of the first token of the last name, or tokens.size() when there is no last name.
qsizetype surnameStart(const QStringList &tokens)
{
    const qsizetype n = tokens.size();
    if (n <= 1)
        return n;
    for (qsizetype i = 1; i + 1 < n; ++i)
        if (isSurnameParticle(tokens.at(i)))
            return i;
    return n - 1;
}

bool tokenDamaged(const QString &token, bool particle)
{
    if (isAllUpper(token) && letterCount(token) >= 2)
        return true;
    if (!particle && isAllLower(token))
        return true;
    return false;
}

QStringList repairedTokens(const QStringList &tokens, qsizetype lastStart)
{
    QStringList out = tokens;
    bool up = false, low = false;
    const QString joined = tokens.join(u' ');
    const bool letters = hasLetters(joined, &up, &low);
    const bool wholeDamaged = letters && (up != low) && letterCount(joined) >= 2;
    for (qsizetype i = 0; i < out.size(); ++i) {
        const QString &t = tokens.at(i);
        const bool particle = i >= lastStart && isSurnameParticle(t) && i + 1 < tokens.size();
        if (!wholeDamaged && !tokenDamaged(t, particle))
            continue;
        if (particle && i > lastStart)
            out[i] = t.toLower(); // "van DER Berg": inner particles are lower case
        else
            out[i] = capitalised(t);
    }
    return out;
}

} // namespace

bool isSurnameParticle(const QString &token)
{
    static const QStringList particles = {
        u"van"_s, u"von"_s, u"der"_s, u"den"_s, u"de"_s,  u"da"_s,  u"di"_s,   u"du"_s,    u"le"_s,
        u"la"_s,  u"te"_s,  u"ten"_s, u"ter"_s, u"del"_s, u"della"_s, u"dos"_s, u"das"_s,  u"do"_s,
        u"bin"_s, u"binti"_s, u"al"_s, u"el"_s, u"mac"_s, u"st"_s,  u"st."_s, u"ap"_s,  u"ua"_s,
        u"o"_s,   u"ó"_s,   u"ní"_s,  u"nic"_s, u"uí"_s};
    return particles.contains(token.toLower());
}

NameParts splitStudentName(const QString &fullName)
{
    const QString simple = fullName.simplified();
    if (simple.isEmpty())
        return {};
    const QStringList tokens = simple.split(u' ');
    const qsizetype start = surnameStart(tokens);
    const QStringList fixed = repairedTokens(tokens, start);
    NameParts parts;
    parts.first = fixed.mid(0, start).join(u' ');
    parts.last = fixed.mid(start).join(u' ');
    return parts;
}

QString repairNameCase(const QString &fullName)
{
    const QString simple = fullName.simplified();
    if (simple.isEmpty())
        return {};
    const QStringList tokens = simple.split(u' ');
    return repairedTokens(tokens, surnameStart(tokens)).join(u' ');
}

bool isWellFormedName(const QString &fullName)
{
    if (fullName.isEmpty() || fullName != fullName.simplified())
        return false;
    for (qsizetype i = 0; i < fullName.size(); ++i) {
        const QChar c = fullName.at(i);
        if (c.isLetter() || c.isMark() || c == u' ')
            continue;
        if (c == u'-' || c == u'\'' || c == QChar(0x2019) || c == u'.') {
            if (i == 0 || i + 1 == fullName.size() || !fullName.at(i - 1).isLetter())
                if (c != u'.' || i == 0)
                    return false;
            continue;
        }
        return false;
    }
    return repairNameCase(fullName) == fullName;
}

QString normalisedNameKey(const QString &fullName)
{
    const QString decomposed = fullName.simplified().normalized(QString::NormalizationForm_D);
    QString out;
    out.reserve(decomposed.size());
    for (const QChar c : decomposed) {
        if (c.isMark())
            continue;
        if (c == QChar(0x2019))
            out += u'\'';
        else
            out += c;
    }
    return out.toCaseFolded();
}

} // namespace tt
