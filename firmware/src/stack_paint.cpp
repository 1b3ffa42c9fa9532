// Paints all free RAM (from the end of .bss to the top of the stack) with 0xC5 before anything runs,
// so a test or debugger can find the stack's high-water mark: the lowest byte no longer 0xC5.
// With 2 KiB of SRAM a stack that silently grows into .bss corrupts the PPG state first; this is how
// the emulator test proves it does not. (The avr-libc FAQ's StackPaint, in .init1 before SP is set.)
extern "C" void stackPaint(void) __attribute__((naked, used, section(".init1")));

extern "C" void stackPaint(void) {
  __asm volatile(
      "    ldi r30,lo8(_end)\n"
      "    ldi r31,hi8(_end)\n"
      "    ldi r24,0xc5\n"
      "    ldi r25,hi8(__stack)\n"
      "    rjmp 2f\n"
      "1:\n"
      "    st Z+,r24\n"
      "2:\n"
      "    cpi r30,lo8(__stack)\n"
      "    cpc r31,r25\n"
      "    brlo 1b\n"
      "    breq 1b\n" ::);
}
