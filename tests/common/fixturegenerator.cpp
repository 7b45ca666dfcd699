#include "fixturegenerator.h"

#include "xlsxwriter.h"

#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QSaveFile>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>

using namespace Qt::Literals::StringLiterals;

namespace tt::test {

namespace {

using Rng = std::mt19937_64;

// Own distributions: std::uniform_*_distribution is implementation-defined; these are the same everywhere.
double uni(Rng &r) { return double(r() >> 11) * (1.0 / 9007199254740992.0); }
int below(Rng &r, int n) { return n <= 0 ? 0 : int(r() % quint64(n)); }
bool chance(Rng &r, double p) { return uni(r) < p; }
template <typename T> const T &pickOf(Rng &r, const std::vector<T> &v) { return v[size_t(below(r, int(v.size())))]; }

QString S(const char *utf8) { return QString::fromUtf8(utf8); }
std::vector<QString> list(std::initializer_list<const char *> items)
{
    std::vector<QString> out;
    out.reserve(items.size());
    for (const char *i : items)
        out.push_back(S(i));
    return out;
}

// ---- invented names (no real people) -----------------------------------------------------------------------
const std::vector<QString> &studentFirstNames()
{
    static const auto v = list({"Zoë", "José", "Aroha", "Siobhán", "Mia", "Liam", "Aanya", "Wei", "Mei", "Kai",
        "Tane", "Nikau", "Fatima", "Omar", "Yusuf", "Amira", "Lucas", "Olivia", "Noah", "Isla", "Hemi", "Priya",
        "Arjun", "Sakura", "Haruto", "Chloé", "Mateo", "Sofía", "Lachlan", "Matilda", "Ngaio", "Ruby", "Harper",
        "Ethan", "Leilani", "Kofi", "Ama", "Chidi", "Ife", "Thanh", "Linh", "Bao", "Dmitri", "Anastasia", "Elif",
        "Emre", "Astrid", "Freya", "Oisín", "Niamh", "Ciarán", "Saoirse", "Rangi", "Manaia", "Jacinta", "Tahlia",
        "Indie", "Ezra", "Rafael", "Inès", "Léa", "Björn", "Ayesha", "Zara", "Ibrahim", "Samira", "Jarrah", "Kirra",
        "Talia", "Eli", "Malia", "Sione", "Mele", "Ana", "Hamish", "Ivy", "Jun", "Keira", "Mahala", "Nour"});
    return v;
}
const std::vector<QString> &studentLastNames()
{
    static const auto v = list({"Van der Berg", "Te Whata", "De Silva", "O'Brien", "Smith-Jones", "da Costa",
        "Nguyen", "Tran", "Patel", "Singh", "Kowalski", "Papadopoulos", "Rossi", "Haddad", "Okafor", "Mensah",
        "Takahashi", "Kim", "Chen", "Wang", "Ali", "Hussain", "Murphy", "MacLeod", "Fitzgerald", "Walker",
        "Thompson", "Ngata", "Parata", "Fonoti", "Tupou", "Morales", "García", "Fernández", "Müller", "Schmidt",
        "Johansson", "Lindqvist", "Dubois", "Lefèvre", "van Dijk", "Le", "Pham", "Abdullah", "Yılmaz", "Demir",
        "Ivanova", "Novak", "Horvath", "Kaur", "Sharma", "Iyer", "Banerjee", "Osei", "Adeyemi", "Wilson",
        "Campbell", "Ryan", "Kelly", "O'Connor", "Di Stefano", "La Rosa", "Du Plessis", "Ten Brink", "Ó Súilleabháin",
        "Harrington-Moore", "Waititi", "Kealoha"});
    return v;
}
const std::vector<QString> &teacherFirstNames()
{
    static const auto v = list({"Jessica", "Daniel", "Priya", "Tom", "Hannah", "Sam", "Grace", "Ben", "Leila",
        "Marcus", "Rachel", "Nathan", "Claire", "Anika", "Peter", "Louise", "Adam", "Naomi", "Oliver", "Ruth",
        "Kate", "Michael", "Sophie", "Ravi", "Emma", "Luke", "Helen", "Josh", "Fiona", "David", "Yvonne", "Colin"});
    return v;
}
const std::vector<QString> &teacherLastNames()
{
    static const auto v = list({"Tan", "Jones", "Walsh", "Brennan", "Kumar", "Lee", "Morgan", "Fraser", "Hughes",
        "Santos", "Carter", "Reid", "Barker", "Doyle", "Ellis", "Foster", "Grant", "Hayes", "Irwin", "Jensen",
        "Kerr", "Lowe", "Mason", "Nash", "Owens", "Price", "Quinn", "Shaw", "Turner", "Vaughan", "Wood", "Young",
        "Zhou", "Bishop", "Abbott", "Dunn"});
    return v;
}
const std::vector<QString> &adultFirstNames()
{
    static const auto v = list({"Anh", "Tom", "Maria", "Rohan", "Leah", "Kemal", "Aiko", "Sina", "Grant", "Olga",
        "Farah", "Marco", "Ngozi", "Brendan", "Yuki", "Hine", "Carlos", "Ingrid", "Deepa", "Patrick", "Lena", "Tariq",
        "Mereana", "Hugo", "Nadia", "Sean", "Mai", "Kwame"});
    return v;
}

const std::vector<QString> &devices()
{
    static const auto v = list({
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36 Edg/127.0.0.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
    });
    return v;
}

const std::vector<QString> &incidentNotes()
{
    static const auto v = list({"Pushed in at the canteen line, then argued with the duty teacher",
        "Refused to start the writing task, said it was \"boring\"",
        "Called another student a name during handball",
        "Kept leaving the mat during reading, 3 reminders",
        "Threw wood chips in the playground 😠",
        "Used the iPad to watch videos instead of the maths app",
        "Ran out of the room after lunch; found near the library",
        "Grabbed a pencil case, wouldn't give it back",
        "Spoke rudely to the relief teacher: \"you're not my teacher\"",
        "Climbed the fence near the oval, again",
        "Took another student's hat, lots of tears, sorted with a chat",
        "Swearing in the toilets (reported by 2 students)",
        "Didn't follow instructions at the crossing 🚸",
        "Kicked the soccer ball at a Year 2 group, on purpose?",
        "Drew on the desk with a permanent marker, cleaned it up after"});
    return v;
}
const std::vector<QString> &commendationNotes()
{
    static const auto v = list({"Helped a new student find the library 🙂",
        "Excellent persuasive text, used great evidence, \"best so far\"",
        "Picked up rubbish in the yard without being asked",
        "Led the group during the science experiment 🔬",
        "Huge improvement in times tables, 20/20!",
        "Kind words to a friend who was upset 💛",
        "Stayed back to help stack chairs",
        "Great sportsmanship at the athletics carnival 🏃",
        "Read the acknowledgement at assembly, clear & confident",
        "Shared lunch with a classmate who forgot theirs",
        "Finished the reading log for the whole term ⭐"});
    return v;
}
const std::vector<QString> &followUps()
{
    static const auto v = list({"Parent emailed", "Follow up with the homeroom teacher tomorrow",
        "Discussed at recess, agreed on a plan", "Will monitor, see previous note",
        "Mum said things are a bit tough at home at the moment, go gently",
        "Reset went well — back on task within 5 min", "Ref: behaviour plan p.2, step 3",
        "Logged by the duty teacher 👀", "Dad picked up early, spoke briefly at the gate",
        "Second time this week", "Class dojo points given too 👍",
        "Long chat about what a good friend looks like, why it matters, and what we can try next time; student "
        "was thoughtful, said sorry without being asked, and offered to help fix things at lunch"});
    return v;
}
const std::vector<QString> &formulaNotes()
{
    static const auto v = list({"=SUM(A1:A3) written on the whiteboard, refused to rub it off",
        "+1 for effort today, keep it up", "-ve attitude after lunch, parents informed",
        "@homeroom please follow up tomorrow", "=) smiley on every page of the workbook"});
    return v;
}

const std::vector<QString> &categories(RecordType t)
{
    static const auto inc = list({"Disruption", "Non-compliance", "Unsafe play", "Physical contact", "Defiance",
                                  "Tech misuse", "Bullying", "Other"});
    static const auto com = list({"Excellent work", "Helping others", "Leadership", "Improvement",
                                  "Positive attitude", "Kindness", "Responsibility", "Other"});
    return t == RecordType::Incident ? inc : com;
}

QString asciiFold(const QString &s)
{
    QString out;
    for (QChar c : s.normalized(QString::NormalizationForm_D)) {
        if (c.unicode() < 128 && c.isLetter())
            out += c.toLower();
        else if (c == QChar(0x0131)) // dotless i
            out += QLatin1Char('i');
    }
    return out;
}

QString formatUuid(quint64 hi, quint64 lo)
{
    hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull; // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull; // variant 10
    static const char hex[] = "0123456789abcdef";
    char buf[36];
    int p = 0;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buf[p++] = '-';
        const quint64 w = i < 8 ? hi : lo;
        const int shift = 56 - 8 * (i % 8);
        const unsigned b = unsigned((w >> shift) & 0xFF);
        buf[p++] = hex[b >> 4];
        buf[p++] = hex[b & 15];
    }
    return QString::fromLatin1(buf, 36);
}
QString newUuid(Rng &r)
{
    const quint64 hi = r();
    const quint64 lo = r();
    return formatUuid(hi, lo);
}

// Civil date from days since 1970-01-01 (H. Hinnant).
void civilFromDays(qint64 z, int &y, int &m, int &d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 yy = yoe + era * 400;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    d = int(doy - (153 * mp + 2) / 5 + 1);
    m = int(mp < 10 ? mp + 3 : mp - 9);
    y = int(yy + (m <= 2));
}
qint64 floorDiv(qint64 a, qint64 b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

void append2(QString &s, int v)
{
    s += QLatin1Char(char('0' + v / 10));
    s += QLatin1Char(char('0' + v % 10));
}

QString isoUtc(qint64 ms)
{
    const qint64 days = floorDiv(ms, 86400000);
    qint64 rem = ms - days * 86400000;
    int y, m, d;
    civilFromDays(days, y, m, d);
    QString s;
    s.reserve(24);
    s += QString::number(y);
    s += QLatin1Char('-');
    append2(s, m);
    s += QLatin1Char('-');
    append2(s, d);
    s += QLatin1Char('T');
    append2(s, int(rem / 3600000));
    rem %= 3600000;
    s += QLatin1Char(':');
    append2(s, int(rem / 60000));
    rem %= 60000;
    s += QLatin1Char(':');
    append2(s, int(rem / 1000));
    s += QLatin1Char('.');
    const int msec = int(rem % 1000);
    s += QLatin1Char(char('0' + msec / 100));
    append2(s, msec % 100);
    s += QLatin1Char('Z');
    return s;
}

// UTC offsets of the school's zone, cached per UTC hour.
class ZoneCache
{
public:
    explicit ZoneCache(const QString &iana) : m_zone(iana.toUtf8())
    {
        if (!m_zone.isValid())
            m_zone = QTimeZone::utc();
    }
    qint64 offsetMs(qint64 utcMs)
    {
        const qint64 hour = floorDiv(utcMs, 3600000);
        auto it = m_cache.constFind(hour);
        if (it != m_cache.constEnd())
            return *it;
        const qint64 off = qint64(m_zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(hour * 3600000, QTimeZone::utc())))
                         * 1000;
        m_cache.insert(hour, off);
        return off;
    }
    qint64 offsetAtLocalNoon(const QDate &d)
    {
        return qint64(QDateTime(d, QTime(12, 0), m_zone).offsetFromUtc()) * 1000;
    }

private:
    QTimeZone m_zone;
    QHash<qint64, qint64> m_cache;
};

struct SchoolDay
{
    qint64 localMidnight; // days since epoch * 86400000 (wall clock as if UTC)
    qint64 offsetMs;
    int dayOfMonth;
};

std::vector<SchoolDay> schoolDays(int year, ZoneCache &zone)
{
    std::vector<SchoolDay> out;
    const auto holiday = [](const QDate &d) {
        const int md = d.month() * 100 + d.day();
        return (md >= 405 && md <= 421) || (md >= 628 && md <= 713) || (md >= 920 && md <= 1005);
    };
    for (QDate d(year, 2, 3); d <= QDate(year, 12, 19); d = d.addDays(1)) {
        if (d.dayOfWeek() >= 6 || holiday(d))
            continue;
        const qint64 days = d.toJulianDay() - 2440588;
        out.push_back({days * 86400000, zone.offsetAtLocalNoon(d), d.day()});
    }
    return out;
}

struct TeacherInfo
{
    QString first, last;
};

// Stable sort by a key without moving records around more than once.
template <typename Key> void sortRecords(std::vector<IncidentRecord> &v, Key key)
{
    std::vector<std::pair<qint64, size_t>> order(v.size());
    bool sorted = true;
    for (size_t i = 0; i < v.size(); ++i) {
        order[i] = {key(v[i]), i};
        sorted = sorted && (i == 0 || order[i - 1].first <= order[i].first);
    }
    if (sorted)
        return;
    std::stable_sort(order.begin(), order.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<IncidentRecord> out;
    out.reserve(v.size());
    for (const auto &o : order)
        out.push_back(std::move(v[o.second]));
    v = std::move(out);
}

} // namespace

// =============================================================================================================
School generateSchool(const SchoolSpec &spec)
{
    School school;
    school.spec = spec;
    Rng rng(spec.seed);
    ZoneCache zone(spec.timeZone);
    const int nClasses = std::max(1, spec.classes);

    // ---- staff -------------------------------------------------------------------------------------------
    QSet<QString> usedNames, usedCodes, usedEmails;
    const auto freshTeacherName = [&]() {
        for (;;) {
            TeacherInfo t{pickOf(rng, teacherFirstNames()), pickOf(rng, teacherLastNames())};
            const QString key = t.first + QLatin1Char(' ') + t.last;
            if (!usedNames.contains(key)) {
                usedNames.insert(key);
                return t;
            }
        }
    };
    const auto levelOf = [&](int classIndex) {
        static const char *const levels[] = {"P", "1", "2", "3", "4", "5", "6"};
        return QString::fromLatin1(levels[(classIndex * 7 / nClasses) % 7]);
    };
    // A few homeroom teachers have emails that hold no name.
    const int initialsTeacher = nClasses >= 3 ? 1 + below(rng, nClasses - 1) : -1;
    int numberedTeacher = nClasses >= 5 ? below(rng, nClasses) : -1;
    if (numberedTeacher == initialsTeacher)
        numberedTeacher = (numberedTeacher + 2) % nClasses;

    for (int c = 0; c < nClasses; ++c) {
        TeacherInfo t;
        QString code;
        for (;;) {
            t = freshTeacherName();
            code = levelOf(c) + t.first.left(1).toUpper() + t.last.left(1).toUpper();
            if (!usedCodes.contains(code))
                break;
        }
        usedCodes.insert(code);
        TruthTeacher teacher;
        teacher.fullName = t.first + QLatin1Char(' ') + t.last;
        if (c == initialsTeacher) {
            teacher.email = t.first.left(1).toLower() + t.last.toLower() + QLatin1Char('@') + spec.domain;
        } else if (c == numberedTeacher) {
            teacher.email = u"teacher%1@"_s.arg(c + 3, 2, 10, QLatin1Char('0')) + spec.domain;
        } else {
            teacher.email = t.first.toLower() + QLatin1Char('.') + t.last.toLower() + QLatin1Char('@') + spec.domain;
            teacher.displayName = teacher.fullName;
        }
        teacher.role = u"teacher"_s;
        teacher.classes = {code};
        usedEmails.insert(teacher.email);
        school.teachers.push_back(teacher);
        school.classes.push_back({code, code, teacher.email, {}});
    }
    const int firstSpecialist = int(school.teachers.size());
    for (const char *specialty : {"Art", "PE", "Music"}) {
        const TeacherInfo t = freshTeacherName();
        TruthTeacher teacher;
        teacher.fullName = t.first + QLatin1Char(' ') + t.last;
        teacher.email = t.first.toLower() + QLatin1Char('.') + t.last.toLower() + QLatin1Char('@') + spec.domain;
        teacher.displayName = teacher.fullName;
        teacher.role = u"teacher"_s;
        teacher.specialist = true;
        teacher.specialty = QString::fromLatin1(specialty);
        school.teachers.push_back(teacher);
    }
    const int adminIndex = int(school.teachers.size());
    {
        const TeacherInfo t = freshTeacherName();
        TruthTeacher teacher;
        teacher.fullName = t.first + QLatin1Char(' ') + t.last;
        teacher.email = t.first.toLower() + QLatin1Char('.') + t.last.toLower() + QLatin1Char('@') + spec.domain;
        teacher.displayName = teacher.fullName;
        teacher.role = u"admin"_s;
        school.teachers.push_back(teacher);
    }

    // ---- students ----------------------------------------------------------------------------------------
    const std::vector<SchoolDay> days = schoolDays(spec.year, zone);
    const int nStudents = nClasses * std::max(1, spec.studentsPerClass);
    QSet<int> usedIds;
    QSet<QString> usedStudentNames;
    const bool guardianEmails = (spec.seed >> 3) % 2 == 1; // same choice as rosterLayout()
    std::vector<int> initialClass(static_cast<size_t>(nStudents)), finalClass(static_cast<size_t>(nStudents));
    for (int s = 0; s < nStudents; ++s) {
        TruthStudent st;
        for (;;) {
            st.firstName = pickOf(rng, studentFirstNames());
            st.lastName = pickOf(rng, studentLastNames());
            const QString key = st.firstName + QLatin1Char(' ') + st.lastName;
            if (!usedStudentNames.contains(key) || usedStudentNames.size() > 4000) {
                usedStudentNames.insert(key);
                break;
            }
        }
        const bool leadingZero = chance(rng, 0.10);
        for (;;) {
            const int id = leadingZero ? 100 + below(rng, 900) : (chance(rng, 0.3) ? 100 + below(rng, 900) : 1000 + below(rng, 9000));
            if (usedIds.contains(id))
                continue;
            usedIds.insert(id);
            st.studentId = leadingZero ? u"0"_s + QString::number(id) : QString::number(id);
            break;
        }
        // guardians
        const int nGuardians = chance(rng, 0.6) ? 2 : 1;
        QStringList g;
        for (int i = 0; i < nGuardians; ++i) {
            const QString first = pickOf(rng, adultFirstNames());
            const QString last = chance(rng, 0.8) ? st.lastName : pickOf(rng, studentLastNames());
            if (guardianEmails)
                g << asciiFold(first) + QLatin1Char('.') + asciiFold(last) + u"@example.net"_s;
            else
                g << first + QLatin1Char(' ') + last;
        }
        st.guardians = g.join(u"; "_s);
        const int cls = s % nClasses;
        initialClass[size_t(s)] = finalClass[size_t(s)] = cls;
        st.classHistory = {school.classes[size_t(cls)].code};
        school.students.push_back(st);
    }
    // ~3% move class once mid-year (to another class of the same year level when there is one)
    std::vector<qint64> moveAt(static_cast<size_t>(nStudents), 0);
    if (nClasses > 1 && days.size() > 40) {
        for (int s = 0; s < nStudents; ++s) {
            if (!chance(rng, 0.03))
                continue;
            const int from = initialClass[size_t(s)];
            std::vector<int> same, other;
            for (int c = 0; c < nClasses; ++c) {
                if (c == from)
                    continue;
                (levelOf(c) == levelOf(from) ? same : other).push_back(c);
            }
            const int to = same.empty() ? pickOf(rng, other) : pickOf(rng, same);
            const SchoolDay &day = days[size_t(days.size() / 4 + size_t(below(rng, int(days.size() / 2))))];
            moveAt[size_t(s)] = day.localMidnight - day.offsetMs;
            finalClass[size_t(s)] = to;
            TruthStudent &st = school.students[size_t(s)];
            st.classHistory << school.classes[size_t(to)].code;
            st.movedAtMs = moveAt[size_t(s)];
        }
    }
    for (int s = 0; s < nStudents; ++s)
        school.students[size_t(s)].finalClassCode = school.classes[size_t(finalClass[size_t(s)])].code;
    // namesakes: two children, one name (own random stream, so that other seeds' output does not change)
    if (spec.namesakePairs > 0 && nStudents >= 4) {
        Rng nrng(spec.seed * 0x2545F4914F6CDD1Dull + 11);
        QSet<int> paired;
        for (int k = 0; k < spec.namesakePairs && paired.size() + 2 <= nStudents; ++k) {
            const bool sameClass = nClasses == 1 || k % 5 == 4; // every fifth pair shares a class
            int a = below(nrng, nStudents), b = -1;
            while (paired.contains(a))
                a = (a + 1) % nStudents;
            for (int tries = 0; tries < 10 * nStudents && b < 0; ++tries) {
                const int c = below(nrng, nStudents);
                if (c != a && !paired.contains(c)
                    && (finalClass[size_t(c)] == finalClass[size_t(a)]) == sameClass
                    && (initialClass[size_t(c)] == initialClass[size_t(a)]) == sameClass)
                    b = c;
            }
            if (b < 0)
                continue;
            paired.insert(a);
            paired.insert(b);
            TruthStudent &sa = school.students[size_t(a)], &sb = school.students[size_t(b)];
            sb.firstName = sa.firstName;
            sb.lastName = sa.lastName;
            sa.namesakeId = sb.studentId;
            sb.namesakeId = sa.studentId;
        }
    }

    // ---- logs --------------------------------------------------------------------------------------------
    // Note pools (implicitly shared strings keep a million logs small).
    const auto makeNote = [&](RecordType type) {
        const double r = uni(rng);
        if (r < 0.012)
            return pickOf(rng, formulaNotes());
        QString note = pickOf(rng, type == RecordType::Incident ? incidentNotes() : commendationNotes());
        const bool multiline = chance(rng, 0.07);
        const int extra = below(rng, 4);
        for (int i = 0; i < extra; ++i) {
            const QString &f = pickOf(rng, followUps());
            const QString sep = multiline ? u"\n"_s : (chance(rng, 0.5) ? u". "_s : u", "_s);
            if (note.size() + sep.size() + f.size() > 600)
                break;
            note += sep + f;
        }
        if (multiline && !note.contains(QLatin1Char('\n')))
            note += u"\n"_s + followUps().front();
        return note;
    };
    std::vector<QString> notePool[2];
    const int poolSize = std::clamp(spec.logs / 3, 60, 3000);
    for (int t = 0; t < 2; ++t)
        for (int i = 0; i < poolSize; ++i)
            notePool[t].push_back(makeNote(t == 0 ? RecordType::Incident : RecordType::Commendation));

    // Student weights: ~5% never logged; a few frequent flyers.
    std::vector<double> cumulative(static_cast<size_t>(nStudents));
    std::vector<int> guaranteed;
    double total = 0;
    for (int s = 0; s < nStudents; ++s) {
        double w = 0;
        if (!chance(rng, 0.05)) {
            const double u = uni(rng);
            w = 0.3 + u * u * u * 12.0;
            guaranteed.push_back(s);
            if (moveAt[size_t(s)] != 0)
                guaranteed.push_back(s); // one before and one after the move
        }
        total += w;
        cumulative[size_t(s)] = total;
    }
    // shuffle guaranteed slots deterministically
    for (size_t i = guaranteed.size(); i > 1; --i)
        std::swap(guaranteed[i - 1], guaranteed[size_t(below(rng, int(i)))]);

    const QStringList levelsInc = {u"Minor"_s, u"Major"_s};
    const QStringList levelsCom = {u"Notable"_s, u"Exceptional"_s};
    const QString locClassroom = u"Classroom"_s, locYard = u"Yard"_s, locSpecialist = u"Specialist"_s,
                  locTransition = u"Transition"_s, locOnline = u"Online"_s;
    const std::vector<QString> actions = list({"Redirect", "Restorative chat", "Time out", "Parent contact",
                                               "Office referral"});
    std::vector<QString> studentNames;
    for (const TruthStudent &st : school.students)
        studentNames.push_back(st.firstName + QLatin1Char(' ') + st.lastName);
    std::vector<QSet<QString>> specialistClasses(3);
    std::vector<bool> logged(static_cast<size_t>(nStudents), false);
    std::vector<int> moverSeen(static_cast<size_t>(nStudents), 0);

    school.logs.reserve(size_t(std::max(0, spec.logs)));
    for (int i = 0; i < spec.logs && total > 0 && !days.empty(); ++i) {
        int s;
        if (size_t(i) < guaranteed.size()) {
            s = guaranteed[size_t(i)];
        } else {
            const double x = uni(rng) * total;
            s = int(std::upper_bound(cumulative.begin(), cumulative.end(), x) - cumulative.begin());
            s = std::min(s, nStudents - 1);
        }
        // the day: movers' guaranteed logs fall before and after the move
        size_t dayIndex = size_t(below(rng, int(days.size())));
        if (size_t(i) < guaranteed.size() && moveAt[size_t(s)] != 0) {
            const bool after = moverSeen[size_t(s)]++ > 0;
            for (int tries = 0; tries < 1000; ++tries) {
                const SchoolDay &d = days[dayIndex];
                if ((d.localMidnight - d.offsetMs >= moveAt[size_t(s)]) == after)
                    break;
                dayIndex = size_t(below(rng, int(days.size())));
            }
        }
        const SchoolDay &day = days[dayIndex];
        const qint64 tod = (8 * 3600 + 30 * 60) * qint64(1000) + qint64(below(rng, 7 * 3600 * 1000));
        IncidentRecord r;
        r.timestampMs = day.localMidnight + tod - day.offsetMs;
        r.type = chance(rng, spec.commendationShare) ? RecordType::Commendation : RecordType::Incident;
        const int cls = (moveAt[size_t(s)] != 0 && r.timestampMs >= moveAt[size_t(s)]) ? finalClass[size_t(s)]
                                                                                         : initialClass[size_t(s)];
        const TruthStudent &st = school.students[size_t(s)];
        r.studentId = chance(rng, 0.006) ? QString() : st.studentId;
        r.studentName = studentNames[size_t(s)];
        const double who = uni(rng);
        int teacher;
        if (who < 0.015) {
            teacher = adminIndex;
            r.location = locYard;
        } else if (who < 0.24) {
            const int sp = below(rng, 3);
            teacher = firstSpecialist + sp;
            const double l = uni(rng);
            r.location = l < 0.86 ? locSpecialist : l < 0.93 ? locYard : l < 0.97 ? locClassroom : locTransition;
        } else {
            teacher = cls;
            const double l = uni(rng);
            r.location = l < 0.55 ? locClassroom : l < 0.86 ? locYard : l < 0.97 ? locTransition : locOnline;
        }
        r.teacherEmail = school.teachers[size_t(teacher)].email;
        if (teacher != adminIndex && !chance(rng, 0.01)) {
            r.classCode = school.classes[size_t(cls)].code;
            if (teacher >= firstSpecialist)
                specialistClasses[size_t(teacher - firstSpecialist)].insert(r.classCode);
        }
        const bool inc = r.type == RecordType::Incident;
        const bool high = chance(rng, 0.18);
        r.level = inc ? levelsInc[high ? 1 : 0] : levelsCom[high ? 1 : 0];
        r.category = pickOf(rng, categories(r.type));
        if (inc) {
            if (!chance(rng, 0.15))
                r.actionTaken = high && chance(rng, 0.4) ? actions[4] : actions[size_t(below(rng, 4))];
        } else if (chance(rng, 0.2)) {
            r.actionTaken = actions[3];
        }
        if (!chance(rng, inc ? 0.15 : 0.35))
            r.note = pickOf(rng, notePool[inc ? 0 : 1]);
        r.device = pickOf(rng, devices());
        r.uuid = newUuid(rng);
        logged[size_t(s)] = true;
        school.logs.push_back(std::move(r));
    }
    sortRecords(school.logs, [](const IncidentRecord &r) { return r.timestampMs; });
    for (int s = 0; s < nStudents; ++s)
        school.students[size_t(s)].hasLogs = logged[size_t(s)];
    for (int sp = 0; sp < 3; ++sp) {
        QStringList cl(specialistClasses[size_t(sp)].begin(), specialistClasses[size_t(sp)].end());
        cl.sort();
        school.teachers[size_t(firstSpecialist + sp)].classes = cl;
        for (TruthClass &c : school.classes)
            if (specialistClasses[size_t(sp)].contains(c.code))
                c.specialistEmails << school.teachers[size_t(firstSpecialist + sp)].email;
    }
    for (TruthClass &c : school.classes)
        c.specialistEmails.sort();
    return school;
}

// =============================================================================================================
// Export with quirks
namespace {

struct OutCell
{
    enum class K { Text, Number, Date, Error };
    K k = K::Text;
    QString text;      // Text/Error; for Number the literal; for Date the locale text (CSV)
    double number = 0; // Number value, Date serial
};
using OutRow = std::vector<OutCell>;

enum Quirk : quint32 {
    QLocale_ = 1u << 0,
    QLostZero = 1u << 1,
    QNumberId = 1u << 2,
    QNumberDot0 = 1u << 3,
    QUpperEmail = 1u << 4,
    QSpaces = 1u << 5,
    QErrorOptional = 1u << 6,
    QNameVariant = 1u << 7,
    QMissingUuid = 1u << 8,
    QDupIdentical = 1u << 9,
    QDupConflicting = 1u << 10,
    QExtraValues = 1u << 11,
};

const std::vector<QString> &errorValues()
{
    static const auto v = list({"#REF!", "#VALUE!", "#NAME?", "#ERROR!"});
    return v;
}

QString localText(qint64 localMs)
{
    const qint64 days = floorDiv(localMs, 86400000);
    qint64 rem = localMs - days * 86400000;
    int y, m, d;
    civilFromDays(days, y, m, d);
    QString s;
    s.reserve(20);
    s += QString::number(d);
    s += QLatin1Char('/');
    s += QString::number(m);
    s += QLatin1Char('/');
    s += QString::number(y);
    s += QLatin1Char(' ');
    s += QString::number(rem / 3600000);
    rem %= 3600000;
    s += QLatin1Char(':');
    append2(s, int(rem / 60000));
    rem %= 60000;
    s += QLatin1Char(':');
    append2(s, int(rem / 1000));
    return s;
}

QString nameVariant(Rng &rng, const QString &first, const QString &last)
{
    const QString right = first + QLatin1Char(' ') + last;
    for (int attempt = 0; attempt < 6; ++attempt) {
        QString v;
        switch (below(rng, 4)) {
        case 0: v = first.toLower() + QLatin1Char(' ') + last.toUpper(); break; // "mia VAN DER BERG"
        case 1: v = right.toUpper(); break;
        case 2: { // swap two adjacent letters of the last name
            QString l = last;
            const int p = l.size() >= 3 ? 1 + below(rng, int(l.size()) - 2) : 0;
            if (l.size() >= 3 && l[p].isLetter() && l[p + 1].isLetter())
                std::swap(l[p], l[p + 1]);
            v = first + QLatin1Char(' ') + l;
            break;
        }
        default: { // drop a letter of the first name
            QString f = first;
            if (f.size() > 3)
                f.remove(1 + below(rng, int(f.size()) - 2), 1);
            v = f + QLatin1Char(' ') + last;
            break;
        }
        }
        if (v != right && v.simplified() == v)
            return v;
    }
    return right.toUpper() == right ? right.toLower() : right.toUpper();
}

QString headerKey(Field f, bool title)
{
    if (!title)
        return fieldKey(f);
    switch (f) {
    case Field::Timestamp: return u"Timestamp"_s;
    case Field::StudentId: return u"Student ID"_s;
    case Field::StudentName: return u"Student Name"_s;
    case Field::Level: return u"Level"_s;
    case Field::Category: return u"Category"_s;
    case Field::Location: return u"Location"_s;
    case Field::ActionTaken: return u"Action Taken"_s;
    case Field::Note: return u"Note"_s;
    case Field::TeacherEmail: return u"Teacher Email"_s;
    case Field::ClassCode: return u"Class Code"_s;
    case Field::Device: return u"Device"_s;
    case Field::Uuid: return u"UUID"_s;
    }
    return {};
}

// Produces the rows of one tab, in order, into sink(row, isHeader); fills the ExportResult.
template <typename Sink>
void emitTab(const School &school, RecordType tab, const QuirkOptions &q, bool xlsx, ExportResult &res, Sink &&sink)
{
    Rng rng(school.spec.seed * 0x9E3779B97F4A7C15ull + (tab == RecordType::Incident ? 17 : 29));
    ZoneCache zone(school.spec.timeZone);
    const int width = q.extraColumns ? FieldCount + 2 : FieldCount;

    std::vector<const IncidentRecord *> logs;
    for (const IncidentRecord &r : school.logs)
        if (r.type == tab)
            logs.push_back(&r);
    const size_t n = logs.size();

    QHash<QString, const TruthStudent *> studentsById;
    QHash<QString, int> countById;
    for (const TruthStudent &st : school.students)
        studentsById.insert(st.studentId, &st);
    for (const IncidentRecord *r : logs)
        if (!r->studentId.isEmpty())
            ++countById[r->studentId];
    // Name variants: one log (the second) of ~10% of the students with >= 5 logs in this tab (so the right
    // spelling stays the most frequent even when another quirk empties or changes that id on a row).
    QHash<QString, QString> variantById;
    if (q.nameVariants) {
        QStringList ids = countById.keys();
        ids.sort();
        for (const QString &id : ids) {
            const TruthStudent *st = studentsById.value(id);
            if (st && countById.value(id) >= 5 && !id.startsWith(QLatin1Char('0')) && chance(rng, 0.1))
                variantById.insert(id, nameVariant(rng, st->firstName, st->lastName));
        }
    }
    // Unclear spellings: the first log of a few students with only 2-3 logs in this tab gets a typo.
    QHash<QString, QString> unclearById;
    if (q.unclearNameVariants > 0) {
        Rng urng(school.spec.seed * 0x9E3779B97F4A7C15ull + (tab == RecordType::Incident ? 71 : 83));
        QStringList ids = countById.keys();
        ids.sort();
        for (const QString &id : ids) {
            const TruthStudent *st = studentsById.value(id);
            const int c = countById.value(id);
            if (!st || c < 2 || c > 3 || variantById.contains(id) || !st->namesakeId.isEmpty())
                continue;
            QString last = st->lastName;
            const int p = last.size() >= 4 ? 1 + below(urng, int(last.size()) - 2) : -1;
            if (p < 0 || !last[p].isLetter() || !last[p + 1].isLetter() || last[p] == last[p + 1])
                continue;
            std::swap(last[p], last[p + 1]);
            unclearById.insert(id, st->firstName + QLatin1Char(' ') + last);
            if (unclearById.size() >= q.unclearNameVariants)
                break;
        }
    }
    QHash<QString, int> seenById;

    // ---- per-log quirk decisions -----------------------------------------------------------------------
    std::vector<quint32> quirks(n, 0);
    std::vector<quint8> errorField(n, 0);
    bool localeDayOver12 = false;
    bool anyLocale = false;
    for (size_t i = 0; i < n; ++i) {
        const IncidentRecord &r = *logs[i];
        quint32 f = 0;
        if (q.missingUuids && i > 0 && chance(rng, 0.008))
            f |= QMissingUuid;
        if (q.localeDates && i > 0 && !(f & QMissingUuid) && chance(rng, 0.15))
            f |= QLocale_;
        const bool zeroId = r.studentId.startsWith(QLatin1Char('0'));
        if (q.lostLeadingZeros && zeroId && chance(rng, 0.5))
            f |= QLostZero | (xlsx ? QNumberId : 0u);
        else if (xlsx && q.numberIds && !zeroId && !r.studentId.isEmpty() && chance(rng, 0.3))
            f |= QNumberId | (chance(rng, 0.4) ? QNumberDot0 : 0u);
        if (q.upperCaseEmails && chance(rng, 0.03))
            f |= QUpperEmail;
        if (q.trailingSpaces && chance(rng, 0.03))
            f |= QSpaces;
        if (q.extraColumns && chance(rng, 0.12))
            f |= QExtraValues;
        const QString &id = r.studentId;
        if (!id.isEmpty() && variantById.contains(id) && ++seenById[id] == 2)
            f |= QNameVariant;
        else if (!id.isEmpty() && unclearById.contains(id) && ++seenById[id] == 1)
            f |= QNameVariant;
        if (!(f & QMissingUuid) && q.duplicates) {
            if (chance(rng, 0.01))
                f |= QDupIdentical;
            else if (i > 0 && chance(rng, 0.006))
                f |= QDupConflicting;
        }
        if (q.spreadsheetErrors && !(f & (QDupIdentical | QDupConflicting)) && chance(rng, 0.006)) {
            f |= QErrorOptional;
            static const Field optional[] = {Field::Note, Field::ActionTaken, Field::ClassCode, Field::Device,
                                             Field::StudentId, Field::Level, Field::Category, Field::Location};
            errorField[i] = quint8(optional[below(rng, 8)]);
            if (Field(errorField[i]) == Field::StudentId)
                f &= ~(QLostZero | QNumberId | QNumberDot0);
        }
        if (f & QLocale_) {
            anyLocale = true;
            int y, m, d;
            const qint64 local = r.timestampMs + zone.offsetMs(r.timestampMs);
            civilFromDays(floorDiv(local, 86400000), y, m, d);
            localeDayOver12 = localeDayOver12 || d > 12;
        }
        quirks[i] = f;
    }
    if (anyLocale && !localeDayOver12) {
        for (size_t i = 1; i < n; ++i) {
            int y, m, d;
            const qint64 local = logs[i]->timestampMs + zone.offsetMs(logs[i]->timestampMs);
            civilFromDays(floorDiv(local, 86400000), y, m, d);
            if (d > 12 && !(quirks[i] & QMissingUuid)) {
                quirks[i] |= QLocale_;
                break;
            }
        }
    }
    // Blank and bad rows are inserted before log positions >= 1 (never first: header detection looks there).
    std::multimap<size_t, int> blanksAt, badAt; // position -> kind
    if (n > 1) {
        if (q.blankRows) {
            const size_t count = std::max<size_t>(1, n * 3 / 1000);
            for (size_t k = 0; k < count; ++k)
                blanksAt.emplace(1 + size_t(below(rng, int(n))), below(rng, 3));
        }
        if (q.badRows) {
            const int kinds = q.spreadsheetErrors ? 8 : 5;
            const size_t count = std::max<size_t>(size_t(kinds), n * 5 / 1000);
            const int start = below(rng, kinds);
            for (size_t k = 0; k < count; ++k)
                badAt.emplace(1 + size_t(below(rng, int(n))), int((size_t(start) + k) % size_t(kinds)));
        }
    }
    std::multimap<size_t, OutRow> pendingCopies; // identical copies, appended later

    qint64 rowNo = 0;
    ExpectedCounts &c = res.counts;
    const auto emitRow = [&](const OutRow &row, bool header) {
        ++rowNo;
        sink(row, header);
    };
    if (q.header) {
        OutRow h;
        for (Field f : allFields())
            h.push_back({OutCell::K::Text, headerKey(f, q.titleCaseHeader), 0});
        if (q.extraColumns) {
            h.push_back({OutCell::K::Text, u"Followed up?"_s, 0});
            h.push_back({OutCell::K::Text, u"Staff initials"_s, 0});
        }
        emitRow(h, true);
        c.headerRows = 1;
    }

    const auto textCell = [](const QString &s) { return OutCell{OutCell::K::Text, s, 0}; };
    // The raw row of a log (with its quirks) and the record the importer must make of it.
    const auto buildRow = [&](const IncidentRecord &truth, quint32 f, Field errField, IncidentRecord &expect) {
        expect = truth;
        expect.sourceIndex = -1;
        expect.flags = 0;
        OutRow row(static_cast<size_t>(width));
        // timestamp
        if (f & QLocale_) {
            const qint64 truncated = truth.timestampMs - truth.timestampMs % 1000;
            const qint64 local = truncated + zone.offsetMs(truth.timestampMs);
            expect.timestampMs = truncated;
            if (xlsx) {
                row[0] = {OutCell::K::Date, {}, 25569.0 + double(local / 1000) / 86400.0};
                expect.flags |= IncidentRecord::TimestampSerial;
            } else {
                row[0] = textCell(localText(local));
                expect.flags |= IncidentRecord::TimestampLocal;
            }
        } else {
            row[0] = textCell(isoUtc(truth.timestampMs));
        }
        // student id
        QString id = truth.studentId;
        if (f & QLostZero) {
            while (id.startsWith(QLatin1Char('0')) && id.size() > 1)
                id.remove(0, 1);
            expect.studentId = id;
        }
        if (f & QNumberId) {
            row[1] = {OutCell::K::Number, (f & QNumberDot0) ? id + u".0"_s : id, id.toDouble()};
            expect.flags |= IncidentRecord::StudentIdFromNumber;
        } else {
            row[1] = textCell((f & QSpaces) && !id.isEmpty() ? id + QLatin1Char(' ') : id);
        }
        // name
        QString name = truth.studentName;
        if (f & QNameVariant) {
            name = variantById.value(truth.studentId, unclearById.value(truth.studentId, name));
            expect.studentName = name;
        }
        if (f & QSpaces)
            name = QLatin1Char(' ') + name.replace(QLatin1Char(' '), u"  "_s) + QLatin1Char(' ');
        row[2] = textCell(name);
        row[3] = textCell(truth.level);
        row[4] = textCell((f & QSpaces) ? truth.category + QLatin1Char(' ') : truth.category);
        row[5] = textCell(truth.location);
        row[6] = textCell(truth.actionTaken);
        QString note = truth.note;
        if (!q.multilineNotes && note.contains(QLatin1Char('\n'))) {
            note.replace(QLatin1Char('\n'), QLatin1Char(' '));
            expect.note = note;
        }
        if (!q.formulaNotes && !note.isEmpty() && QStringLiteral("=+-@").contains(note.front())) {
            note = note.mid(1).trimmed();
            expect.note = note;
        }
        row[7] = textCell(note);
        QString email = truth.teacherEmail;
        if (f & QUpperEmail)
            email = (truth.timestampMs % 2) ? email.toUpper() : email.left(1).toUpper() + email.mid(1);
        if (f & QSpaces)
            email += u"  "_s;
        row[8] = textCell(email);
        row[9] = textCell(truth.classCode);
        row[10] = textCell(truth.device);
        if (f & QMissingUuid) {
            expect.uuid.clear();
            expect.flags |= IncidentRecord::UuidGenerated;
        } else {
            row[11] = textCell(truth.uuid);
        }
        if (f & QExtraValues) {
            row[12] = textCell(chance(rng, 0.7) ? u"Yes"_s : u"No"_s);
            row[13] = textCell(truth.teacherEmail.left(2).toUpper());
        }
        if (f & QErrorOptional) {
            row[size_t(int(errField))] = {OutCell::K::Error, pickOf(rng, errorValues()), 0};
            switch (errField) {
            case Field::Note: expect.note.clear(); break;
            case Field::ActionTaken: expect.actionTaken.clear(); break;
            case Field::ClassCode: expect.classCode.clear(); break;
            case Field::Device: expect.device.clear(); break;
            case Field::StudentId: expect.studentId.clear(); break;
            case Field::Level: expect.level.clear(); break;
            case Field::Category: expect.category.clear(); break;
            case Field::Location: expect.location.clear(); break;
            default: break;
            }
            expect.flags |= IncidentRecord::HasWarnings;
            ++res.warnings;
        }
        return row;
    };

    const auto emitBlank = [&](int kind) {
        OutRow row(static_cast<size_t>(width));
        for (int col = 0; col < width; ++col) {
            if (xlsx || kind == 1)
                row[size_t(col)] = textCell(col % 3 == 0 ? u" "_s : QString());
            else if (kind == 2)
                row[size_t(col)] = textCell(col == 2 ? u"   "_s : QString());
        }
        if (xlsx)
            row[0] = textCell(u"  "_s);
        emitRow(row, false);
        ++c.blank;
    };
    int badSerial = 0;
    const auto emitBad = [&](int kind) {
        const IncidentRecord &base = *logs[size_t(below(rng, int(n)))];
        IncidentRecord tmp;
        IncidentRecord truth = base;
        truth.uuid = newUuid(rng);
        OutRow row = buildRow(truth, 0, Field::Note, tmp);
        QString field;
        switch (kind) {
        case 0: row[0] = textCell(QString()); field = u"timestamp"_s; break;
        case 1: row[0] = textCell(badSerial++ % 2 ? u"next tuesday"_s : u"TBC"_s); field = u"timestamp"_s; break;
        case 2: row[2] = textCell(QString()); field = u"studentName"_s; break;
        case 3: row[8] = textCell(QString()); field = u"teacherEmail"_s; break;
        case 4:
            row[11] = textCell(QString::number(1000 + badSerial++) + u"-abcd"_s);
            field = u"uuid"_s;
            break;
        case 5: row[0] = {OutCell::K::Error, u"#VALUE!"_s, 0}; field = u"timestamp"_s; break;
        case 6: row[2] = {OutCell::K::Error, u"#REF!"_s, 0}; field = u"studentName"_s; break;
        default: row[8] = {OutCell::K::Error, u"#NAME?"_s, 0}; field = u"teacherEmail"_s; break;
        }
        emitRow(row, false);
        ++c.read;
        ++c.quarantined;
        ++res.quarantinedRowsByReasonField[field];
        res.quarantinedRows.insert(rowNo, field);
    };
    res.records.reserve(n);
    std::multimap<size_t, size_t> copyRecordAt;         // position -> record index (parallel to pendingCopies)
    for (size_t i = 0; i <= n; ++i) {
        // identical copies due here (their rows become the chosen rows of their uuid groups)
        {
            auto range = copyRecordAt.equal_range(i);
            std::vector<size_t> recs;
            for (auto it = range.first; it != range.second; ++it)
                recs.push_back(it->second);
            copyRecordAt.erase(range.first, range.second);
            auto crange = pendingCopies.equal_range(i);
            size_t k = 0;
            for (auto it = crange.first; it != crange.second; ++it, ++k) {
                emitRow(it->second, false);
                ++c.read;
                ++c.duplicatesIdentical;
                res.records[recs[k]].sourceRow = rowNo;
            }
            pendingCopies.erase(crange.first, crange.second);
        }
        if (i == n)
            break;
        for (auto [it, end] = blanksAt.equal_range(i); it != end; ++it)
            emitBlank(it->second);
        for (auto [it, end] = badAt.equal_range(i); it != end; ++it)
            emitBad(it->second);

        const quint32 f = quirks[i];
        IncidentRecord expect;
        OutRow row = buildRow(*logs[i], f, Field(errorField[i]), expect);
        if (f & QDupConflicting) {
            OutRow stale = row;
            if (chance(rng, 0.5) || row[7].k != OutCell::K::Text) {
                const auto &cats = categories(tab);
                QString other = expect.category;
                while (other == expect.category)
                    other = pickOf(rng, cats);
                stale[4] = textCell(other);
            } else {
                stale[7] = textCell(expect.note.isEmpty() ? u"tbc"_s : u"Draft: "_s + expect.note);
            }
            emitRow(stale, false);
            ++c.read;
            ++c.duplicatesConflicting;
        }
        emitRow(row, false);
        ++c.read;
        ++c.accepted;
        expect.sourceRow = rowNo;
        res.records.push_back(expect);
        if (f & QDupIdentical) {
            const size_t at = std::min(n, i + 1 + size_t(below(rng, 200)));
            pendingCopies.emplace(at, row);
            copyRecordAt.emplace(at, res.records.size() - 1);
        }
    }
    sortRecords(res.records, [](const IncidentRecord &r) { return r.sourceRow; });
    for (const IncidentRecord &r : res.records)
        if (r.flags & IncidentRecord::UuidGenerated)
            res.generatedUuidRecords.push_back(r);
}

void appendCsvField(QString &line, const QString &v, QChar delim)
{
    bool quote = false;
    for (QChar ch : v) {
        if (ch == delim || ch == QLatin1Char('"') || ch == QLatin1Char('\n') || ch == QLatin1Char('\r')) {
            quote = true;
            break;
        }
    }
    if (!quote) {
        line += v;
        return;
    }
    line += QLatin1Char('"');
    for (QChar ch : v) {
        if (ch == QLatin1Char('"'))
            line += QLatin1Char('"');
        line += ch;
    }
    line += QLatin1Char('"');
}

class CsvOut
{
public:
    CsvOut(const QString &path, const QString &encoding) : m_file(path), m_encoding(encoding)
    {
        if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            throw std::runtime_error("cannot write " + path.toStdString());
        if (m_encoding == u"UTF-8 BOM"_s)
            m_file.write("\xEF\xBB\xBF");
        else if (m_encoding == u"UTF-16LE BOM"_s)
            m_file.write("\xFF\xFE");
    }
    ~CsvOut() { flush(); }
    void line(const QString &l)
    {
        if (m_encoding.startsWith(u"UTF-16"_s)) {
            for (QChar ch : l) {
                const ushort u = ch.unicode();
                m_buf.append(char(u & 0xFF));
                m_buf.append(char(u >> 8));
            }
            m_buf.append("\r\0\n\0", 4);
        } else {
            m_buf += l.toUtf8();
            m_buf += "\r\n";
        }
        if (m_buf.size() > (4 << 20))
            flush();
    }
    void flush()
    {
        if (!m_buf.isEmpty())
            m_file.write(m_buf);
        m_buf.clear();
    }

private:
    QFile m_file;
    QString m_encoding;
    QByteArray m_buf;
};

} // namespace

ExportResult writeCsvTab(const School &school, RecordType tab, const QString &path, const QuirkOptions &q,
                         char delimiter, const QString &encoding)
{
    ExportResult res;
    res.path = path;
    CsvOut out(path, encoding);
    const QChar delim = QLatin1Char(delimiter);
    QString line;
    emitTab(school, tab, q, false, res, [&](const OutRow &row, bool) {
        line.resize(0); // keeps the capacity (clear() would free it)
        for (size_t col = 0; col < row.size(); ++col) {
            if (col)
                line += delim;
            appendCsvField(line, row[col].text, delim);
        }
        out.line(line);
    });
    return res;
}

std::pair<ExportResult, ExportResult> writeWorkbook(const School &school, const QString &path, const QuirkOptions &q)
{
    std::pair<ExportResult, ExportResult> result;
    std::vector<XSheet> sheets(2);
    sheets[0].name = u"Incidents"_s;
    sheets[1].name = u"Commendations"_s;
    for (int t = 0; t < 2; ++t) {
        ExportResult &res = t == 0 ? result.first : result.second;
        res.path = path;
        XSheet &sheet = sheets[size_t(t)];
        emitTab(school, t == 0 ? RecordType::Incident : RecordType::Commendation, q, true, res,
                [&](const OutRow &row, bool) {
                    std::vector<XCell> cells;
                    cells.reserve(row.size());
                    for (const OutCell &oc : row) {
                        switch (oc.k) {
                        case OutCell::K::Text:
                            cells.push_back(oc.text.isEmpty() ? XCell::empty() : XCell::str(oc.text));
                            break;
                        case OutCell::K::Number:
                            cells.push_back(XCell::num(oc.number, oc.text.contains(QLatin1Char('.')) ? oc.text
                                                                                                      : QString()));
                            break;
                        case OutCell::K::Date: cells.push_back(XCell::date(oc.number)); break;
                        case OutCell::K::Error: cells.push_back(XCell::error(oc.text)); break;
                        }
                    }
                    sheet.rows.push_back(std::move(cells));
                });
    }
    QString error;
    if (!writeXlsx(path, sheets, {}, &error))
        throw std::runtime_error((u"cannot write "_s + path + u": "_s + error).toStdString());
    return result;
}

namespace {
struct RosterLayout
{
    QStringList header;   // in column order
    QList<int> columns;   // 0 id, 1 surname, 2 first, 3 class, 4 guardians
};
RosterLayout rosterLayout(const School &school)
{
    const quint64 s = school.spec.seed;
    const QString first = QStringList{u"First Name"_s, u"Given Name"_s, u"Preferred Name"_s}[int(s % 3)];
    const QString guardians = ((s >> 3) % 2 == 1) ? u"Guardian Email"_s : u"Guardian(s)"_s;
    const QString cls = ((s >> 5) % 2 == 1) ? u"Class"_s : u"Home Group"_s;
    RosterLayout l;
    if ((s >> 7) % 2 == 0)
        l.columns = {0, 1, 2, 3, 4};
    else
        l.columns = {0, 2, 1, 4, 3};
    const QStringList names = {u"Student ID"_s, u"Surname"_s, first, cls, guardians};
    for (int c : l.columns)
        l.header << names[c];
    return l;
}
} // namespace

QString rosterHeaderVariant(const School &school) { return rosterLayout(school).header.join(QLatin1Char(',')); }

void writeRosterCsv(const School &school, const QString &path)
{
    CsvOut out(path, u"UTF-8"_s);
    const RosterLayout l = rosterLayout(school);
    QString line;
    for (int i = 0; i < l.header.size(); ++i) {
        if (i)
            line += QLatin1Char(',');
        appendCsvField(line, l.header[i], QLatin1Char(','));
    }
    out.line(line);
    for (const TruthStudent &st : school.students) {
        const QString values[] = {st.studentId, st.lastName, st.firstName, st.finalClassCode, st.guardians};
        line.resize(0); // keeps the capacity (clear() would free it)
        for (int i = 0; i < l.columns.size(); ++i) {
            if (i)
                line += QLatin1Char(',');
            appendCsvField(line, values[l.columns[i]], QLatin1Char(','));
        }
        out.line(line);
    }
}

void writeStaffCsv(const School &school, const QString &path)
{
    CsvOut out(path, u"UTF-8"_s);
    out.line(school.spec.seed % 2 ? u"Email,Display Name,Role"_s : u"Email,Name,Role"_s);
    for (const TruthTeacher &t : school.teachers) {
        QString line;
        appendCsvField(line, t.email, QLatin1Char(','));
        line += QLatin1Char(',');
        appendCsvField(line, t.fullName, QLatin1Char(','));
        line += QLatin1Char(',');
        line += t.role;
        out.line(line);
    }
}

const TruthStudent *findStudent(const School &school, const QString &studentId)
{
    for (const TruthStudent &st : school.students)
        if (st.studentId == studentId)
            return &st;
    return nullptr;
}

} // namespace tt::test
