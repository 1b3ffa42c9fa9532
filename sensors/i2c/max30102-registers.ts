/** MAX30102/MAX30105 register map (datasheet 19-7065 table 1), shared by the driver and the emulator. */
export const Max30102Reg = {
  IntStatus1: 0x00,
  IntStatus2: 0x01,
  IntEnable1: 0x02,
  IntEnable2: 0x03,
  FifoWrPtr: 0x04,
  OvfCounter: 0x05,
  FifoRdPtr: 0x06,
  FifoData: 0x07,
  FifoConfig: 0x08,
  ModeConfig: 0x09,
  SpO2Config: 0x0a,
  Led1Amplitude: 0x0c, // red
  Led2Amplitude: 0x0d, // IR
  RevId: 0xfe,
  PartId: 0xff,
} as const;

export const MAX30102_PART_ID = 0x15;
export const MAX30102_ADDRESS = 0x57;
export const MAX30102_FIFO_DEPTH = 32;

/** Sample rates selectable in SPO2_CONFIG[4:2]. */
export const MAX30102_SAMPLE_RATES = [50, 100, 200, 400, 800, 1000, 1600, 3200] as const;
/** Averages selectable in FIFO_CONFIG[7:5] (5..7 all mean 32). */
export const MAX30102_AVERAGES = [1, 2, 4, 8, 16, 32] as const;
/** Full-scale ADC ranges in nA selectable in SPO2_CONFIG[6:5]. */
export const MAX30102_ADC_RANGES = [2048, 4096, 8192, 16384] as const;
