#pragma once
// Colours from the palette, so that light, dark and high-contrast themes all stay readable: no hard-coded light
// backgrounds or black text in the wizard. Colour is never the only signal: callers pair it with words, bold
// text or an icon.
#include <QBrush>
#include <QColor>
#include <QPalette>
#include <QString>

class QLabel;
class QWidget;

namespace tt::ui::theme {

// WCAG 2 contrast ratio of two colours (1 to 21); 4.5 is enough for normal text.
double contrastRatio(const QColor &a, const QColor &b);
bool isDark(const QPalette &palette); // the window background is dark

// Text that reports a problem: a red that keeps at least 4.5:1 against the palette's window colour.
QColor problemColor(const QPalette &palette);
// Marks a label as reporting a problem (problem colour and bold) or back to the palette's text.
void setProblem(QLabel *label, bool problem);
// A secondary hint under a control: the palette's placeholder-text colour (readable in every theme).
void setHint(QLabel *label);
// A framed panel (banners, the accounting box) in the palette's alternate base with the palette's text.
QString panelStyleSheet(const QString &widgetClass = QStringLiteral("QLabel"));
// Shading for a table cell that needs attention (the cell at fault, a field that differs): the highlight
// colour blended into the base, dark enough or light enough for the palette's text to stay readable.
QBrush attentionBrush(const QPalette &palette);
// The text colour to draw on background (the palette's text, or its bright text when that reads better).
QColor textOn(const QPalette &palette, const QColor &background);

} // namespace tt::ui::theme
