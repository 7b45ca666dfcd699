#include "theme.h"

#include <QApplication>
#include <QLabel>
#include <QtMath>

namespace tt::ui::theme {

namespace {
double luminance(const QColor &c)
{
    auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : qPow((v + 0.055) / 1.055, 2.4); };
    const QColor rgb = c.toRgb();
    return 0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF()) + 0.0722 * channel(rgb.blueF());
}

QColor blend(const QColor &a, const QColor &b, double t)
{
    const QColor x = a.toRgb(), y = b.toRgb();
    return QColor::fromRgbF(float(x.redF() * (1 - t) + y.redF() * t), float(x.greenF() * (1 - t) + y.greenF() * t),
                            float(x.blueF() * (1 - t) + y.blueF() * t));
}
} // namespace

double contrastRatio(const QColor &a, const QColor &b)
{
    const double la = luminance(a), lb = luminance(b);
    return (qMax(la, lb) + 0.05) / (qMin(la, lb) + 0.05);
}

bool isDark(const QPalette &palette)
{
    return luminance(palette.color(QPalette::Window)) < 0.18;
}

QColor problemColor(const QPalette &palette)
{
    const QColor window = palette.color(QPalette::Window);
    // a dark red on light windows, a light red on dark ones; towards the text colour until it reads well
    QColor red = isDark(palette) ? QColor(0xff, 0x8a, 0x80) : QColor(0xa0, 0x00, 0x00);
    const QColor text = palette.color(QPalette::WindowText);
    for (double t = 0.25; contrastRatio(red, window) < 4.5 && t <= 1.0; t += 0.25)
        red = blend(red, text, t);
    return red;
}

void setProblem(QLabel *label, bool problem)
{
    QPalette p = label->parentWidget() ? label->parentWidget()->palette() : QApplication::palette();
    if (problem)
        p.setColor(QPalette::WindowText, problemColor(p));
    label->setPalette(p);
    QFont f = label->font();
    f.setBold(problem);
    label->setFont(f);
}

void setHint(QLabel *label)
{
    label->setStyleSheet(QString());
    label->setForegroundRole(QPalette::PlaceholderText);
}

QString panelStyleSheet(const QString &widgetClass)
{
    return QStringLiteral("%1 { background: palette(alternate-base); color: palette(text); border: 1px solid palette(mid); "
                          "padding: 8px; }")
        .arg(widgetClass);
}

QBrush attentionBrush(const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    QColor shade = blend(base, palette.color(QPalette::Highlight), 0.35);
    for (double t = 0.3; contrastRatio(shade, text) < 4.5 && t >= 0.0; t -= 0.1)
        shade = blend(base, palette.color(QPalette::Highlight), t);
    return QBrush(shade);
}

QColor textOn(const QPalette &palette, const QColor &background)
{
    const QColor text = palette.color(QPalette::Text);
    const QColor bright = palette.color(QPalette::BrightText);
    return contrastRatio(text, background) >= contrastRatio(bright, background) ? text : bright;
}

} // namespace tt::ui::theme
