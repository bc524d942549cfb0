import { z } from 'zod';
import { DEFAULT_LOG_OFFSET_QUANTILE } from '../model/scaler.ts';
import { isTimeZone } from '../util/days.ts';

/**
 * The one configuration object of firerisk. Every field has a documented default, so an empty
 * file (or no file) is a valid configuration that runs the embedded synthetic district.
 * Each stage owns one section; paths are resolved relative to the working directory.
 */

export const pathsSchema = z
  .object({
    data: z.string().default('datasets/beibei').describe('Folder holding the input tables of one district (the data contract).'),
    out: z.string().default('out').describe('Root of everything the pipeline writes except models: features, reports, runs, published scores.'),
    models: z.string().default('models').describe('Model registry root: one folder per trained model plus champion.json.'),
  })
  .strict();

export const synthSchema = z
  .object({
    seed: z.number().int().default(20211).describe('Seed of the synthetic district generator (same seed, same bytes).'),
    start: z.iso.date().default('2016-01-01').describe('First day of generated history.'),
    end: z.iso.date().default('2025-12-31').describe('Last day of generated history (forecast weather follows it).'),
    forecast_days: z.number().int().min(0).max(14).default(3).describe('Days of weather forecast emitted after `end`.'),
  })
  .strict();

export const validateSchema = z
  .object({
    max_bad_share: z.number().min(0).max(1).default(0.2).describe('Share of bad rows (quarantined for a reason other than lying outside the district) in a required table above which the run fails (exit 3): a feed with a fifth of its rows unusable is treated as broken; below that the run continues and the quarantine lists every row.'),
  })
  .strict();

export const gridSchema = z
  .object({
    kind: z.enum(['square', 'h3']).default('square').describe('Square cells in a metric CRS, or H3 hexagons.'),
    cell_size_m: z.number().positive().default(500).describe('Side of a square cell in metres.'),
    crs: z.string().default('auto').describe("Metric CRS of the square grid: 'auto' picks the WGS84 UTM zone of the boundary's centre (EPSG:32648, zone 48N, for Chongqing; proj4 is then ignored), or an EPSG code with its proj4 definition."),
    proj4: z
      .string()
      .default('+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs')
      .describe('proj4 definition of `crs`, so that any EPSG code can be used without a network lookup.'),
    h3_resolution: z.number().int().min(0).max(15).default(8).describe('H3 resolution when kind = h3 (8: about 0.74 km² per cell).'),
    boundary_buffer_m: z.number().min(0).default(2000).describe('Buffer around the incident extent when no boundary file is given.'),
  })
  .strict();

export const featuresSchema = z
  .object({
    from: z.iso.date().optional().describe('First feature day; default: 365 days after the first incident day, so that yearly counts are complete.'),
    to: z.iso.date().optional().describe('Last feature day; default: the last day with weather (forecasts included), and at least the day after the last data (incidents or observed weather), whose weather is then carried forward and flagged.'),
    memory_limit: z.string().default('4GB').describe('DuckDB memory_limit for the feature query.'),
    threads: z.number().int().positive().optional().describe('DuckDB threads (default: all cores).'),
    chunk_cell_days: z
      .number()
      .int()
      .positive()
      .default(4_000_000)
      .describe('Most cell-days of dense spine (feature days + 365 days of history) per DuckDB pass; the cells are split into groups to stay under it. Lower it to cap memory on very large grids.'),
  })
  .strict();

export const modelSchema = z
  .object({
    kind: z.enum(['mlp', 'glm', 'wide_deep']).default('wide_deep').describe('Poisson MLP, a Poisson GLM (no hidden layers), or wide & deep: a GLM plus an MLP on the same inputs, added on the log scale.'),
    hidden_units: z.array(z.number().int().positive()).default([16]).describe('Hidden layer widths of the MLP.'),
    ensemble_members: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(3)
      .describe('Networks trained from different random starts (and step orders) on the same rows, their log rates averaged into one saved model; training takes this many times longer. One network varies from seed to seed by several points of the backtest skill; three average most of that out.'),
    train_threads: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Worker threads that train ensemble members side by side: 0 = one per CPU core (os.availableParallelism()), never more than there are members; 1 = one member after another in the main thread. The trained weights are the same either way.'),
    activation: z.enum(['relu', 'elu']).default('relu').describe('Activation of the hidden layers of the MLP.'),
    learning_rate: z.number().positive().default(0.01),
    batch_size: z.number().int().positive().default(2048),
    max_epochs: z.number().int().positive().default(30),
    patience: z.number().int().min(0).default(4).describe('Epochs without validation improvement before early stopping.'),
    refit_with_validation: z
      .boolean()
      .default(false)
      .describe(
        'After early stopping, fit the model again from scratch on the training and the validation window together (zeros of both subsampled alike), for the best number of epochs at the same learning rates, so that the most recent labelled days shape the weights too. Doubles the training time. Backtest share of the oracle gap closed, off → on: default district 45.4 → 45.5 %; a district with three years of data (half a year of training in the first refit) 35.7 → 37.4 %; with the two fire classes and eight training years (2026-12-03), default district over model seeds 7, 8 and 1, 58.3 → 58.5 % on average (−0.3 to +0.6 points by seed), fewer fires predicted (717 against 728 on average, for 731 seen).',
      ),
    plateau_lr_factor: z.number().gt(0).max(1).default(1).describe('Learning rate multiplier after each epoch without validation improvement (1 = constant rate; 0.5 stopped earlier and slightly worse on the 3,000-cell benchmark).'),
    l2: z
      .number()
      .min(0)
      .default(0.0025)
      .describe(
        "L2 penalty on the kernels, relative to the training window's mean rate (the penalty added to the mean Poisson loss per row is l2 × mean rate × Σ w²), so it means the same for any district's rate. On the synthetic district's backtest (mean rate 6.4e-4 per cell-day; npm run tune, one feature table, share of the oracle gap closed): 0.005 → 0.0025 gained 0.7 to 1.6 points with each of three model seeds, and 0.005 with 5 training years → 0.0025 with 8 gained 2.8 and 3.3 points with two seeds (55.4 → 58.2 %, 54.4 → 57.7 %) and 0.8 and 0.9 on two other generated worlds (12.5 → 13.3 %, 33.8 → 34.7 %); 0.01 lost 2.3 points. A point is within the noise.",
      ),
    l2_linear: z
      .number()
      .min(0)
      .nullable()
      .default(null)
      .describe("L2 penalty of the log-linear part's weights (glm, and the wide part of wide & deep), relative like l2; null = the same as l2."),
    negative_rate: z.number().positive().max(1).default(0.05).describe('Share of zero-fire cell-days kept for training; kept zeros are weighted by its inverse so rates stay unbiased.'),
    train_years: z
      .number()
      .positive()
      .default(8)
      .describe(
        'Length of the training window in years, ending where validation begins; a history shorter than that is used whole. With more years the network sees more of the rare fires (outdoor ones above all) and every season more often; the trend term (trend_years) follows a change of level within the window. On the synthetic district (7.5 years of labelled history before the first backtest origin) 8 years with l2 0.0025 closed 58.2 and 57.7 % of the oracle gap with two model seeds against 55.4 and 54.4 % for 5 years with l2 0.005.',
      ),
    validation_days: z.number().int().positive().default(180).describe('Validation window (after the training window) for early stopping.'),
    seed: z.number().int().default(7),
    log_skewness: z.number().positive().nullable().default(1).describe('A feature whose training-window values are non-negative with skewness above this is fed as log(x + c) (kept only when that does not raise the skewness); null = no transform. Chosen on the training window and stored with the scaler.'),
    log_offset_quantile: z
      .number()
      .gt(0)
      .lt(1)
      .default(DEFAULT_LOG_OFFSET_QUANTILE)
      .describe(
        "The offset c of log(x + c): this quantile of the feature's positive training values (the median: 1 for most counts; for an index or a rate, a typical value, so that values near 0 are not spread over many log units). On the synthetic district's backtest 0.05, 0.25 and 0.5 closed 46.3, 46.4 and 48.9 % of the oracle gap (PAI 5 % 13.93, 13.90, 14.05); one network on 190 m cells 29.9 % at 0.05, 30.4 % at 0.5.",
      ),
    fire_classes: z
      .enum(['single', 'outdoor_and_other'])
      .default('outdoor_and_other')
      .describe(
        "single: one count model for every fire. outdoor_and_other: one for the fires of property type outdoor (vegetation, open land) and one for the other fires, trained alike on the same rows, their expected fires added: outdoor fires follow dryness and wind far more than fires in buildings, and one model of both gives every cell a blend of the two responses. Used only when the training window holds at least model.min_class_fires fires of each class (the incidents carry a property type); otherwise, and with a feature table built before the outdoor label existed, one model for all fires (logged). Backtest share of the oracle gap closed, single → outdoor_and_other (npm run tune, one feature table each): default synthetic district 50.2 → 55.8 %, two other generated worlds 34.9 → 33.8 % and 9.9 → 12.5 %. Trains twice as many networks.",
      ),
    min_class_fires: z.number().int().min(1).default(100).describe('Fewest fires of each class in the training window for fire_classes outdoor_and_other to split the model.'),
    balance_window: z.enum(['train', 'validation']).default('train').describe('Window on which the intercept is shifted after training so that predicted fires = observed fires: the training window, or the validation window (the most recent labelled days: follows a drift of the overall level).'),
    exclude_features: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Feature columns the model does not use (names as in features.manifest.json), e.g. the fire-weather codes where they over-react: training, the backtest and its feature importance leave them out; a name the feature table lacks is warned about and ignored.',
      ),
    dropout: z.number().min(0).lt(1).default(0).describe('Dropout rate after each hidden layer (training only).'),
    weight_averaging: z.number().min(0).lt(1).default(0.99).describe('Decay of the exponential moving average of the weights over the steps, used for validation and kept as the model (0 = off, last iterate).'),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto').describe('auto: tfjs-node if installed, else WASM, else CPU.'),
  })
  .strict();

export const evaluateSchema = z
  .object({
    months: z
      .number()
      .int()
      .positive()
      .default(12)
      .describe(
        'Length of the rolling-origin backtest in months, ending at the last labelled day. A shorter history gets as many whole months as leave model.validation_days + evaluate.min_train_days of labelled days before the first one (with a warning).',
      ),
    min_train_days: z
      .number()
      .int()
      .positive()
      .default(180)
      .describe('Fewest labelled days the first backtest refit may train on (besides its validation window); the backtest is shortened to leave them.'),
    refit_every_months: z.number().int().positive().default(6).describe('Refit the model every this many months of the backtest (1 = every month; 6 keeps the nightly run within its time budget: features still carry every label up to the day before, only the weights are up to 5 months old).'),
    top_shares: z.array(z.number().gt(0).lt(1)).default([0.01, 0.05, 0.1, 0.2]).describe('Area shares for hit rate, PAI and PEI.'),
    calibration_bins: z.number().int().min(2).default(10),
    bootstrap_resamples: z
      .number()
      .int()
      .min(100)
      .default(1000)
      .describe('Resamples of the block bootstrap behind the 95 % intervals of the model-minus-best-baseline differences in the report.'),
    bootstrap_block_days: z
      .number()
      .int()
      .positive()
      .default(7)
      .describe('Length in days of the blocks of consecutive test days that the bootstrap resamples (weather spells and near-repeat clusters make neighbouring days alike).'),
  })
  .strict();

export const gateSchema = z
  .object({
    metric: z.enum(['poisson_deviance', 'log_likelihood']).default('poisson_deviance'),
    tolerance: z.number().min(0).default(0.002).describe('Relative worsening of the gate metric still accepted (0.002 = 0.2 %).'),
    window_days: z
      .number()
      .int()
      .positive()
      .default(61)
      .describe('The gate window: the last this many labelled days, held out from the challenger\'s training and validation; challenger and champion are both scored on it.'),
  })
  .strict();

export const scoreSchema = z
  .object({
    days: z.number().int().positive().default(1).describe('Days scored from the scoring date (later days need weather forecasts).'),
    warning_thresholds: z
      .object({
        I: z.number().default(0.02),
        II: z.number().default(0.01),
        III: z.number().default(0.005),
        IV: z.number().default(0.002),
      })
      .strict()
      .default({ I: 0.02, II: 0.01, III: 0.005, IV: 0.002 })
      .describe('Minimum daily probability of at least one fire for each warning level (mode "absolute"; must fall from I to IV). Defaults are multiples of the district mean (about 750 fires a year over about 3,000 cells, i.e. 0.0007 per cell-day): IV about 3x, III 7x, II 14x, I 29x; see docs/scoring.md.'),
    warning_mode: z
      .enum(['absolute', 'share'])
      .default('absolute')
      .describe('absolute: a level is reached when the daily probability passes its threshold, so warm, dry or holiday days raise more warnings; share: a fixed share of cells (ranked by risk) gets each level every day.'),
    warning_shares: z
      .object({
        I: z.number().min(0).max(1).default(0.01),
        II: z.number().min(0).max(1).default(0.04),
        III: z.number().min(0).max(1).default(0.1),
        IV: z.number().min(0).max(1).default(0.2),
      })
      .strict()
      .default({ I: 0.01, II: 0.04, III: 0.1, IV: 0.2 })
      .describe('Mode "share": cumulative share of cells at or above each level (I: the top 1 %, II: the top 4 %, ...); must rise from I to IV.'),
    drivers: z.number().int().min(0).default(3).describe('Top drivers reported per cell (features whose value moves the cell\'s log expected fires most against the training mean).'),
  })
  .strict();

export const retentionSchema = z
  .object({
    runs: z.number().int().positive().default(30).describe('Run summaries kept.'),
    models: z.number().int().positive().default(10).describe('Non-champion models kept in the registry.'),
    score_days: z.number().int().positive().default(90).describe('Published daily score files kept.'),
  })
  .strict();

export const configSchema = z
  .object({
    timezone: z
      .string()
      .default('auto')
      .refine((zone) => zone.trim().toLowerCase() === 'auto' || isTimeZone(zone), "not an IANA time zone (e.g. Asia/Shanghai) or 'auto'")
      .describe("Time zone of local calendar days (an instant belongs to the local day it falls in). 'auto': looked up offline from the district's location (the boundary's centre, else the incidents' median), e.g. Asia/Shanghai for Beibei."),
    holidays_country: z
      .string()
      .default('auto')
      .refine((code) => /^(auto|none|[A-Za-z]{2})$/.test(code.trim()), "an ISO 3166-1 alpha-2 code (e.g. CN, GB), 'auto' or 'none'")
      .describe("Whose holidays and festivals the calendar features mark when the dataset has no holidays table: 'auto' (the country at the district's location), a country code, or 'none'. China: official holidays, adjusted workdays and the Spring Festival period (chinese-days); elsewhere public and bank holidays (date-holidays)."),
    paths: pathsSchema.default(pathsSchema.parse({})),
    synth: synthSchema.default(synthSchema.parse({})),
    validate: validateSchema.default(validateSchema.parse({})),
    grid: gridSchema.default(gridSchema.parse({})),
    features: featuresSchema.default(featuresSchema.parse({})),
    model: modelSchema.default(modelSchema.parse({})),
    evaluate: evaluateSchema.default(evaluateSchema.parse({})),
    gate: gateSchema.default(gateSchema.parse({})),
    score: scoreSchema.default(scoreSchema.parse({})),
    retention: retentionSchema.default(retentionSchema.parse({})),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export const defaultConfig = (): Config => configSchema.parse({});
