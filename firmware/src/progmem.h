// Constant strings live in flash on the AVR (2 KiB of SRAM is too little to copy them at start-up);
// on the host, where the unit tests run, they are ordinary strings.
#ifndef VITALS_PROGMEM_H
#define VITALS_PROGMEM_H

#ifdef __AVR__
#include <avr/pgmspace.h>
#else
#define PROGMEM
#define PSTR(s) (s)
#define pgm_read_byte(p) (*(const unsigned char*)(p))
#define pgm_read_word(p) (*(p))
#define pgm_read_ptr(p) (*(p))
#define strcmp_P strcmp
#define strlen_P strlen
#define memcmp_P memcmp
#endif

#endif
