// The C side of the console's curses backend. SwiftPM drops pkg-config -D flags, so the
// wide-character API is switched on here; function-like macros and the globals that
// Swift 6 refuses (stdscr, COLS, LINES) are reached through small accessors.
#ifndef MAILGATE_CNCURSES_SHIM_H
#define MAILGATE_CNCURSES_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *mg_stdscr(void) { return stdscr; }
static inline int mg_cols(void) { return COLS; }
static inline int mg_lines(void) { return LINES; }
static inline int mg_colors(void) { return COLORS; }
static inline int mg_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t mg_a_normal(void) { return A_NORMAL; }
static inline attr_t mg_a_bold(void) { return A_BOLD; }
static inline attr_t mg_a_dim(void) { return A_DIM; }
static inline attr_t mg_a_underline(void) { return A_UNDERLINE; }
static inline attr_t mg_a_reverse(void) { return A_REVERSE; }
static inline int mg_color_pair(int n) { return (int)COLOR_PAIR(n); }

static inline int mg_key_f(int n) { return KEY_F(n); }
static inline int mg_key_btab(void) { return KEY_BTAB; }
static inline int mg_key_resize(void) { return KEY_RESIZE; }


static inline mmask_t mg_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t mg_button1_clicked(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED; }
static inline mmask_t mg_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t mg_button5_pressed(void) {
#ifdef BUTTON5_PRESSED
    return BUTTON5_PRESSED;
#else
    return 0;
#endif
}


/// Writes one grapheme (NUL-terminated wide string) at y, x with the given attributes and colour pair.
static inline int mg_put_cell(WINDOW *w, int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    wattr_set(w, attrs, pair, NULL);
    return mvwaddwstr(w, y, x, text);
}
#endif
